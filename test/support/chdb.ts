import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analytics, ClickHouseAnalytics, migrate } from '@service-ledger/analytics';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { seedStore } from '@service-ledger/seed';

/** chDB binds one data directory per process, so tests share one and isolate themselves by database. */
export const CHDB_TEST_PATH = join(tmpdir(), `sl-chdb-test-${process.pid}`);

export async function testAnalytics(prefix = 't'): Promise<ClickHouseAnalytics> {
  mkdirSync(CHDB_TEST_PATH, { recursive: true });
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: CHDB_TEST_PATH, database: `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}` });
  await migrate(db);
  return db;
}

/** A PGlite store seeded through the real handlers (one project, one month) and a fresh analytics database. */
export async function seededFixture(prefix: string, seed: number): Promise<{ store: EventStore; db: Analytics; close(): Promise<void> }> {
  const store = await createEventStore({ kind: 'pglite' });
  const seeded = await seedStore(store, { projects: 1, months: 1, seed, until: new Date('2026-11-20T00:00:00Z') });
  if (seeded.failed.length > 0) throw new Error(`seeding refused ${seeded.failed.length} commands, e.g. ${JSON.stringify(seeded.failed[0])}`);
  const db = await testAnalytics(prefix);
  return {
    store,
    db,
    close: async () => {
      await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await store.close();
    },
  };
}
