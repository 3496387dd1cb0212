import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analytics, migrate } from '@service-ledger/analytics';

/** chDB binds one data directory per process, so tests share one and isolate themselves by database. */
export const CHDB_TEST_PATH = join(tmpdir(), `sl-chdb-test-${process.pid}`);

export async function testAnalytics(prefix = 't'): Promise<Analytics> {
  mkdirSync(CHDB_TEST_PATH, { recursive: true });
  const db = Analytics.open({ kind: 'chdb', path: CHDB_TEST_PATH, database: `${prefix}_${Date.now()}_${Math.floor(Math.random() * 1e6)}` });
  await migrate(db);
  return db;
}
