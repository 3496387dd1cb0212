import { newId, type EventEnvelope, type NewEvent } from '@service-ledger/core';
import { createEventStore, type EventStore, serializeEnvelope } from '@service-ledger/event-store';
import { ensureKafka, freshTopics } from '../../../test/support/kafka';
import { decodeEnvelope, encodeEnvelope, PoisonMessageError } from './codec';
import { KafkaEventConsumer } from './consumer';
import { ensureTopics, type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';
import type { KafkaEventPublisher } from './publisher';
import { type EventPublisher, startRelay } from './relay';

const envelope = (streamId: string, version: number, position: number): EventEnvelope => ({
  eventId: newId(), streamId, streamVersion: version, globalPosition: BigInt(position), type: 'RepairReported', schemaVersion: 1, data: { n: version },
  occurredAt: '2026-03-01T00:00:00.000Z', recordedAt: '2026-03-01T00:00:00.000Z', actor: { staffId: 's', role: 'receptionist' }, projectId: 'p1', correlationId: 'c', causationId: null,
});
const knows = (_t: string, v: number) => v === 1;
const newEvent = (n: number): NewEvent => ({
  type: 'RepairReported', schemaVersion: 1, data: { n },
  metadata: { occurredAt: '2026-03-01T00:00:00.000Z', actor: { staffId: 's', role: 'receptionist' }, projectId: 'p1', correlationId: newId(), causationId: null },
});

describe('Kafka codec', () => {
  it('round-trips an envelope, bigint position included', () => {
    const e = envelope('repair-1', 3, 12345678901234);
    const m = encodeEnvelope(e);
    expect(m.key).toBe('repair-1');
    expect(m.headers).toEqual({
      'sl-type': 'RepairReported', 'sl-schema-version': '1', 'sl-event-id': e.eventId, 'sl-stream-id': 'repair-1', 'sl-stream-version': '3',
      'sl-project-id': 'p1', 'sl-occurred-at': '2026-03-01T00:00:00.000Z',
    });
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
  let publisher: KafkaEventPublisher;
  beforeAll(async () => {
    if (!kafka) return;
    ({ config, publisher } = await freshTopics(kafka.brokers, 'test'));
    const admin = kafkaClient(config).admin();
    await admin.connect();
    await ensureTopics(admin, config); // idempotent
    const meta = await admin.fetchTopicMetadata({ topics: [topicsOf(config).events] });
    expect(meta.topics[0].partitions).toHaveLength(4);
    await admin.disconnect();
  }, 120_000);
  afterAll(async () => publisher?.disconnect());

  run('publishes and consumes with per-stream order across partitions; a failed batch is not committed and comes back; poison goes to the dead-letter topic', async () => {
    const streams = ['repair-a', 'repair-b', 'complaint-c', 'help-d', 'visit-e'];
    const sent = streams.flatMap((s, i) => [1, 2, 3, 4].map((v) => envelope(s, v, i * 10 + v)));
    await publisher.publish(sent.map(serializeEnvelope));
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
  }, 180_000);
});

describe('relay store → Kafka against the real broker', () => {
  const kafka = ensureKafka();
  const run = kafka ? it : it.skip;
  const streams = ['repair-a', 'repair-b', 'complaint-c', 'help-d', 'visit-e'];
  let store: EventStore;
  let publisher: KafkaEventPublisher;
  let config: KafkaConfig;

  beforeEach(async () => {
    if (!kafka) return;
    ({ config, publisher } = await freshTopics(kafka.brokers, 'relay-test'));
    store = await createEventStore({ kind: 'pglite' });
    // Streams interleaved in the global log, so every batch holds several streams and each stream spans batches.
    for (let v = 1; v <= 6; v++) for (const s of streams) await store.append(s, [newEvent(v)], v === 1 ? 'no_stream' : v - 1);
  }, 120_000);
  afterEach(async () => {
    await publisher?.disconnect();
    await store?.close();
  });

  /** Everything on the events topic, in partition order. */
  async function consumeTopic(expected: number): Promise<EventEnvelope[]> {
    const got: EventEnvelope[] = [];
    const consumer = kafkaClient(config).consumer({ groupId: `check-${newId()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topicsOf(config).events, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(decodeEnvelope(message.value, knows)) });
    await waitFor(() => new Set(got.map((e) => e.eventId)).size >= expected, 60_000);
    await consumer.disconnect();
    return got;
  }

  run('a batch refused or whose acknowledgement was lost is sent again before the next one: every event arrives, each stream in order', async () => {
    let calls = 0;
    let inFlight = 0;
    let overlapped = false;
    const flaky: EventPublisher = {
      async publish(events) {
        calls += 1;
        overlapped ||= inFlight > 0;
        inFlight += 1;
        try {
          if (calls === 2) throw new Error('broker refused the batch');
          await publisher.publish(events);
          if (calls === 3) throw new Error('acknowledgement lost');
        } finally {
          inFlight -= 1;
        }
      },
    };
    const relay = startRelay(store, flaky, { subscriptionId: 'relay', batchSize: 4, pollIntervalMs: 20 });
    await relay.caughtUp;
    await relay.stop();
    expect(overlapped).toBe(false);
    const got = await consumeTopic(30);
    expect(got.length).toBeGreaterThan(30); // the batch whose acknowledgement was lost came twice
    const firstSeen = new Map<string, EventEnvelope>();
    for (const e of got) if (!firstSeen.has(e.eventId)) firstSeen.set(e.eventId, e);
    for (const s of streams) expect([...firstSeen.values()].filter((e) => e.streamId === s).map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6]);
    // What arrives is the stored envelope itself (the store built the JSON text; the consumer decodes it).
    const stored = await store.readAll({ limit: 1000 });
    const byId = (a: EventEnvelope, b: EventEnvelope) => a.eventId.localeCompare(b.eventId);
    expect([...firstSeen.values()].sort(byId)).toEqual([...stored.events].sort(byId));
    expect(await store.readCheckpoint('relay')).toBe(stored.checkpoint);
  }, 180_000);

  run('the checkpoint never passes a batch the broker has not acknowledged, though the next one was already read; a restart resumes from it', async () => {
    let calls = 0;
    const down: EventPublisher = {
      async publish(events) {
        calls += 1;
        if (calls > 1) throw new Error('broker down');
        await publisher.publish(events);
      },
    };
    // This relay sees a store without readAllSerialized (as KurrentDB is): it encodes what readAll gives.
    const plainStore = { readAll: store.readAll.bind(store), readCheckpoint: store.readCheckpoint.bind(store), storeCheckpoint: store.storeCheckpoint.bind(store) };
    const first = startRelay(plainStore, down, { subscriptionId: 'relay', batchSize: 4, pollIntervalMs: 20 });
    await waitFor(() => calls >= 3);
    await first.stop();
    expect(first.lastError).toEqual(new Error('broker down'));
    expect(await store.readCheckpoint('relay')).toBe((await store.readAll({ limit: 4 })).checkpoint);

    const second = startRelay(store, publisher, { subscriptionId: 'relay', batchSize: 4, pollIntervalMs: 20 });
    await second.caughtUp;
    await second.stop();
    const got = await consumeTopic(30);
    expect(got.map((e) => e.eventId).sort()).toEqual((await store.readAll({ limit: 1000 })).events.map((e) => e.eventId).sort());
  }, 180_000);
});

async function waitFor(cond: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
