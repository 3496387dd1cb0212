import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { type Analytics, compareDatabases, KafkaEventSource, migrate, Projector, replay, runKpis } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { newId } from '@service-ledger/core';
import { createEventStore, type EventStore, type Subscription } from '@service-ledger/event-store';
import { type KafkaConfig, type KafkaEventPublisher, startRelay } from '@service-ledger/kafka';
import { seedStore } from '@service-ledger/seed';
import { complaintPayload } from '@service-ledger/testing';
import { createApp } from '@service-ledger/api';
import { TEST_SECRET } from './support/api';
import { testAnalytics } from './support/chdb';
import { ensureKafka, freshTopics, startKafka, stopKafka } from './support/kafka';
import { createTestDatabase } from './support/postgres';

/** The distributed chain on real services: API → PostgreSQL store → relay → Apache Kafka → projector group → chDB. */
describe('distributed shape on a real broker', () => {
  const kafka = ensureKafka();
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: EventStore;
  let app: INestApplication;
  let config: KafkaConfig;
  let publisher: KafkaEventPublisher;
  let relay: Subscription;
  let live: Analytics;
  const stops: (() => Promise<void>)[] = [];
  const tokens = new TokenService(TEST_SECRET);
  const desk = tokens.issue({ staffId: 'P01-receptionist-1', role: 'receptionist', projects: ['P01'], permissions: [] });

  const storeCount = async () => (await store.readAll({ limit: 1_000_000 })).events.length;
  const projectedCount = async (db: Analytics) => Number((await db.query<{ n: string }>('SELECT count() AS n FROM {{events}} FINAL'))[0].n);
  async function waitUntilProjected(db: Analytics, ms = 120_000) {
    const until = Date.now() + ms;
    const want = await storeCount();
    while ((await projectedCount(db)) < want) {
      if (Date.now() > until) throw new Error(`projection stuck at ${await projectedCount(db)} of ${want}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  async function startProjector(db: Analytics, group: string) {
    const projector = new Projector(db);
    const running = await new KafkaEventSource(config, group).start((events) => projector.handle(events));
    stops.push(running.stop);
    return running;
  }
  const sendComplaint = () =>
    request(app.getHttpServer()).post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send({ commandId: newId(), payload: complaintPayload(newId(), 'P01') });

  beforeAll(async () => {
    pg = await createTestDatabase('sl_dist');
    if (!kafka || !pg) return;
    store = await createEventStore({ kind: 'postgres', url: pg.url });
    app = await createApp({ store, tokens, logLevel: 'silent' });
    await app.init();
    ({ config, publisher } = await freshTopics(kafka.brokers, 'dist-test'));
    relay = startRelay(store, publisher, { pollIntervalMs: 50 });
    live = await testAnalytics('dist');
    await startProjector(live, 'projector');
  }, 180_000);

  afterAll(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
    await relay?.stop();
    await publisher?.disconnect();
    await app?.close();
    await store?.close();
    await pg?.drop();
  }, 60_000);

  it('commands through the API reach the KPI tables through Kafka, equal to a replay from the store', async () => {
    if (!kafka || !pg) return;
    const seeded = await seedStore(store, { projects: 1, months: 1, seed: 5, until: new Date('2026-11-20T00:00:00Z') });
    expect(seeded.failed).toEqual([]);
    expect((await sendComplaint()).status).toBe(200);
    await waitUntilProjected(live);
    const k = await runKpis(live, { month: '2026-11', project: 'P01' });
    expect(k.find((x) => x.id === 'complaints_received')!.numerator).toBeGreaterThan(0);
    const fresh = live.withDatabase(`${live.database}_replay`);
    await replay(store, fresh);
    expect((await compareDatabases(live, fresh)).tables.filter((t) => t.checksumA !== t.checksumB)).toEqual([]);
  }, 240_000);

  it('the broker stopped for a while and restarted: relay and projector resume, nothing lost, nothing counted twice', async () => {
    if (!kafka || !pg) return;
    stopKafka();
    for (let i = 0; i < 5; i++) expect((await sendComplaint()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    startKafka();
    await waitUntilProjected(live, 180_000);
    const fresh = live.withDatabase(`${live.database}_replay2`);
    await replay(store, fresh);
    expect((await compareDatabases(live, fresh)).equal).toBe(true);
  }, 300_000);

  it('two projector instances in one group share the partitions and produce the same tables as one', async () => {
    if (!kafka || !pg) return;
    const shared = live.withDatabase(`${live.database}_group`);
    await migrate(shared);
    await startProjector(shared, 'two-instances');
    await startProjector(shared, 'two-instances');
    await waitUntilProjected(shared, 180_000);
    expect((await compareDatabases(live, shared)).equal).toBe(true);
  }, 300_000);
});
