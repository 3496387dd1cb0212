import { newId, type EventEnvelope } from '@service-ledger/core';
import { ensureKafka } from '../../../test/support/kafka';
import { decodeEnvelope, encodeEnvelope, PoisonMessageError } from './codec';
import { KafkaEventConsumer } from './consumer';
import { ensureTopics, type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';
import { KafkaEventPublisher } from './publisher';

const envelope = (streamId: string, version: number, position: number): EventEnvelope => ({
  eventId: newId(), streamId, streamVersion: version, globalPosition: BigInt(position), type: 'RepairReported', schemaVersion: 1, data: { n: version },
  occurredAt: '2026-03-01T00:00:00.000Z', recordedAt: '2026-03-01T00:00:00.000Z', actor: { staffId: 's', role: 'receptionist' }, projectId: 'p1', correlationId: 'c', causationId: null,
});
const knows = (_t: string, v: number) => v === 1;

describe('Kafka codec', () => {
  it('round-trips an envelope, bigint position included', () => {
    const e = envelope('repair-1', 3, 12345678901234);
    const m = encodeEnvelope(e);
    expect(m.key).toBe('repair-1');
    expect(m.headers).toMatchObject({ 'sl-type': 'RepairReported', 'sl-schema-version': '1', 'sl-stream-id': 'repair-1' });
    expect(decodeEnvelope(Buffer.from(m.value), knows)).toEqual(e);
  });
  it('rejects undecodable messages and unknown schema versions with a reason', () => {
    expect(() => decodeEnvelope(Buffer.from('{nope'), knows)).toThrow(new PoisonMessageError('value is not JSON'));
    expect(() => decodeEnvelope(Buffer.from(JSON.stringify({ ...envelope('a-1', 1, 1), globalPosition: '1', schemaVersion: 9 })), knows)).toThrow(/unknown event RepairReported v9/);
    expect(() => decodeEnvelope(Buffer.from('{"type":"x"}'), knows)).toThrow(/missing field/);
  });
});

describe('Kafka transport against the real broker', () => {
  const kafka = ensureKafka();
  const run = kafka ? it : it.skip;
  let config: KafkaConfig;
  beforeAll(async () => {
    if (!kafka) return;
    config = { brokers: kafka.brokers, clientId: 'test', topicPrefix: `t${Date.now()}`, partitions: 4, replicationFactor: 1, retentionMs: 3600_000 };
    const admin = kafkaClient(config).admin();
    await admin.connect();
    await ensureTopics(admin, config);
    await ensureTopics(admin, config); // idempotent
    const meta = await admin.fetchTopicMetadata({ topics: [topicsOf(config).events] });
    expect(meta.topics[0].partitions).toHaveLength(4);
    await admin.disconnect();
  }, 120_000);

  run('publishes and consumes with per-stream order across partitions; a failed batch is not committed and comes back; poison goes to the dead-letter topic', async () => {
    const publisher = new KafkaEventPublisher(config);
    await publisher.connect();
    const streams = ['repair-a', 'repair-b', 'complaint-c', 'help-d', 'visit-e'];
    const sent = streams.flatMap((s, i) => [1, 2, 3, 4].map((v) => envelope(s, v, i * 10 + v)));
    await publisher.publish(sent);
    const producer = kafkaClient(config).producer();
    await producer.connect();
    await producer.send({ topic: topicsOf(config).events, messages: [{ key: 'bad', value: 'not json at all' }] });
    await producer.disconnect();

    // First consumer fails on its first batch: nothing is committed.
    let failedOnce = false;
    const first = new KafkaEventConsumer(config, { groupId: 'g1', knows });
    const firstSeen: string[] = [];
    await first.start(async (events) => {
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('ClickHouse down');
      }
      firstSeen.push(...events.map((e) => e.eventId));
    });
    await waitFor(() => failedOnce);
    await first.stop();

    const received: EventEnvelope[] = [];
    const second = new KafkaEventConsumer(config, { groupId: 'g1', knows });
    await second.start(async (events) => {
      received.push(...events);
    });
    await waitFor(() => new Set([...received.map((e) => e.eventId), ...firstSeen]).size >= sent.length, 60_000);
    await second.stop();
    const all = new Set([...received.map((e) => e.eventId), ...firstSeen]);
    expect([...all].sort()).toEqual(sent.map((e) => e.eventId).sort());
    for (const s of streams) {
      const versions = received.filter((e) => e.streamId === s).map((e) => e.streamVersion);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    expect(first.deadLettered + second.deadLettered).toBeGreaterThanOrEqual(1);

    const dlq = kafkaClient(config).consumer({ groupId: 'dlq-reader' });
    const reasons: string[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: topicsOf(config).deadLetter, fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void reasons.push(String(message.headers?.['x-dlq-reason'])) });
    await waitFor(() => reasons.length > 0, 30_000);
    await dlq.disconnect();
    expect(reasons[0]).toBe('value is not JSON');
    await publisher.disconnect();
  }, 180_000);
});

async function waitFor(cond: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
