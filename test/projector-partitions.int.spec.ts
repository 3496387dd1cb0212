import { type Analytics, KNOWN_EVENTS, migrate, Projector, replay } from '@service-ledger/analytics';
import { FixedClock, type EventEnvelope } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { decodeEnvelope, type KafkaConfig, type KafkaEventPublisher, kafkaClient, startRelay, topicsOf } from '@service-ledger/kafka';
import { Scenario } from '@service-ledger/testing';
import { testAnalytics } from './support/chdb';
import { ensureKafka, freshTopics } from './support/kafka';

/**
 * Projector instances in one consumer group each see only their partitions. A policy change re-times every clock
 * started after its effective instant, whatever partition the case hashes to, so each partition must carry it in
 * order with its own cases: projecting any one partition alone must time that partition's clocks as a replay of the
 * whole store does.
 */
describe('a policy change reaches every projector instance', () => {
  const kafka = ensureKafka();
  let store: EventStore;
  let config: KafkaConfig;
  let publisher: KafkaEventPublisher;
  let full: Analytics;
  const byPartition = new Map<number, EventEnvelope[]>();
  const dropped: Analytics[] = [];

  beforeAll(async () => {
    if (!kafka) return;
    store = await createEventStore({ kind: 'pglite' });
    const s = new Scenario(store, new FixedClock(new Date('2026-05-01T00:00:00Z')));
    await s.complaint('2026-03-02T10:00:00');
    // Effective from 3 March: the first reply within 2 working hours instead of half a day (3 h 45 min).
    await s.run('ChangePolicy', { projectId: 'p1', reason: 'faster first replies', effectiveFrom: '2026-03-03T00:00:00+08:00', sections: { sla: { halfWorkingDay: 'PT2H' } } }, '2026-03-02T12:00:00', 'gm_office', 'gm-1');
    for (let day = 3; day <= 12; day++) await s.complaint(`2026-03-${String(day).padStart(2, '0')}T10:00:00`);
    ({ config, publisher } = await freshTopics(kafka.brokers, 'partitions-test', 4));
    const relay = startRelay(store, publisher, { pollIntervalMs: 20 });
    await relay.caughtUp;
    await relay.stop();

    // Everything the relay sent: read each partition up to its end offset.
    const admin = kafkaClient(config).admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topicsOf(config).events)).map((o) => [o.partition, Number(o.high)]));
    await admin.disconnect();
    const consumer = kafkaClient(config).consumer({ groupId: `${config.topicPrefix}.reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: topicsOf(config).events, fromBeginning: true });
    const read = new Map<number, number>();
    const done = () => [...ends].every(([partition, end]) => (read.get(partition) ?? 0) >= end);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${JSON.stringify([...read])} of ${JSON.stringify([...ends])}`)), 60_000);
        if (done()) (clearTimeout(timer), resolve());
        void consumer.run({
          eachBatch: async ({ batch }) => {
            const list = byPartition.get(batch.partition) ?? [];
            for (const m of batch.messages) list.push(decodeEnvelope(m.value, (type, v) => KNOWN_EVENTS.get(type) === v));
            byPartition.set(batch.partition, list);
            read.set(batch.partition, Number(batch.lastOffset()) + 1);
            if (done()) (clearTimeout(timer), resolve());
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    full = await testAnalytics('partitions_full');
    dropped.push(full);
    await replay(store, full);
  }, 240_000);

  afterAll(async () => {
    for (const db of dropped) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``).catch(() => undefined);
    await publisher?.disconnect();
    await store?.close();
  });

  const clocks = (db: Analytics, ids: string[]) =>
    db.query<Record<string, string>>(
      'SELECT case_id, clock, toString(deadline) AS deadline, policy_version, status FROM {{sla_clocks}} FINAL WHERE case_id IN {ids:Array(String)} ORDER BY case_id, clock',
      { ids },
    );

  it('every partition holds the policy change, in order with its own cases', () => {
    if (!kafka) return;
    for (const partition of [0, 1, 2, 3]) {
      const events = byPartition.get(partition) ?? [];
      expect({ partition, change: events.some((e) => e.type === 'PolicyChanged') }).toEqual({ partition, change: true });
      // Ascending positions within the partition: the copy sits where the change stands in the global order.
      const positions = events.map((e) => e.globalPosition);
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('projecting one partition alone times its clocks as a replay of the whole store does', async () => {
    if (!kafka) return;
    const withCases = [...byPartition].filter(([, events]) => events.some((e) => e.type === 'ComplaintReceived'));
    // Cases spread over more than one partition, so some sit apart from the policy stream's own partition.
    expect(withCases.length).toBeGreaterThan(1);
    for (const [partition, events] of withCases) {
      const alone = full.withDatabase(`${full.database}_p${partition}`);
      dropped.push(alone);
      await migrate(alone);
      await new Projector(alone).handle(events);
      const ids = [...new Set(events.filter((e) => e.streamId.startsWith('complaint-')).map((e) => e.streamId.slice('complaint-'.length)))];
      const mine = await clocks(alone, ids);
      expect(mine.length).toBeGreaterThan(0);
      expect({ partition, clocks: mine }).toEqual({ partition, clocks: await clocks(full, ids) });
    }
    // The change applies: complaints from 3 March on carry its version.
    expect((await full.query<{ n: string }>("SELECT count() AS n FROM {{sla_clocks}} FINAL WHERE policy_version = 'p1#1'"))[0].n).not.toBe('0');
  }, 120_000);
});
