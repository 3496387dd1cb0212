import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseAnalytics } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { startProjectorProcess } from '@service-ledger/runtime';
import { seedStore } from '@service-ledger/seed';
import { TEST_SECRET } from './support/api';
import { testAnalytics } from './support/chdb';
import { ensureKafka } from './support/kafka';
import { createTestDatabase } from './support/postgres';

/**
 * Rebuilding projections reads the store, never the 7-day topic: a projector started on an empty analytics database
 * projects the whole store before it consumes Kafka. Here the topic is empty, so only the store can fill the tables.
 */
describe('projector started on an empty analytics database', () => {
  const kafka = ensureKafka();
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: EventStore;
  let analytics: ClickHouseAnalytics;
  let dataDir: string;

  beforeAll(async () => {
    pg = await createTestDatabase('sl_rebuild');
    if (!kafka || !pg) return;
    store = await createEventStore({ kind: 'postgres', url: pg.url });
    const seeded = await seedStore(store, { projects: 1, months: 1, seed: 7, until: new Date('2026-11-20T00:00:00Z') });
    expect(seeded.failed).toEqual([]);
    analytics = await testAnalytics('rebuild');
    dataDir = mkdtempSync(join(tmpdir(), 'sl-rebuild-'));
  }, 180_000);

  afterAll(async () => {
    await analytics?.command(`DROP DATABASE IF EXISTS \`${analytics.database}\``).catch(() => undefined);
    await store?.close();
    await pg?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('replays the whole store before consuming the (empty) topic; started again on a filled database it does not replay', async () => {
    if (!kafka || !pg) return;
    const stored = (await store.readAll({ limit: 1_000_000 })).events.length;
    expect(stored).toBeGreaterThan(100);
    expect((await analytics.projectionPosition()).events).toBe(0);
    const config = loadConfig({
      SL_STORE: 'postgres', SL_POSTGRES_URL: pg.url, SL_KAFKA_BROKERS: kafka.brokers.join(','), SL_KAFKA_TOPIC_PREFIX: `rebuild-${Date.now()}`, SL_KAFKA_PARTITIONS: '2',
      SL_AUTH_SECRET: TEST_SECRET, SL_OPS_PORT: '0', SL_LOG_LEVEL: 'silent', SL_DATA_DIR: dataDir,
    });
    const first = await startProjectorProcess(config, { analytics });
    try {
      const after = await analytics.projectionPosition();
      expect(after.events).toBe(stored);
      const position = /\nsl_projector_position (\d+)/.exec(await (await fetch(`${first.ops.server.url}/metrics`)).text())?.[1];
      expect(Number(position)).toBe(Number(after.position));
    } finally {
      await first.stop();
    }
    // A second start finds the tables filled: no second replay (the new process has projected nothing).
    const second = await startProjectorProcess(config, { analytics });
    try {
      expect(await (await fetch(`${second.ops.server.url}/metrics`)).text()).toMatch(/\nsl_projector_position 0\n/);
      expect((await analytics.projectionPosition()).events).toBe(stored);
    } finally {
      await second.stop();
    }
  }, 300_000);
});
