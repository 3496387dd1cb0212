import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from './create-event-store';
import { READ_ALL_SQL, SqlEventStore } from './sql/sql-event-store';
import { runEventStoreContract } from './testing/contract';

runEventStoreContract('pglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-pglite-'));
  return {
    open: (upcasters) => createEventStore({ kind: 'pglite', dataDir: join(dir, 'a') }, upcasters),
    // PGlite allows one process-level instance per data dir; durability is checked by reopening after close.
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('pglite global log plan', () => {
  it('reads a batch of the global log by walking its index, not by sorting everything after the checkpoint', async () => {
    const store = (await createEventStore({ kind: 'pglite' })) as SqlEventStore;
    try {
      // A large log written without ANALYZE (PGlite has no autovacuum): the planner only has its default estimates.
      await store.sql.exec(`INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id)
        SELECT gen_random_uuid(), 'case-' || (i / 10), i % 10 + 1, 'Thing', 1, jsonb_build_object('text', repeat('x', 300)), now(), now(), 's', 'receptionist', 'p1', 'c'
        FROM generate_series(0, 79999) AS i`);
      const plan = (await store.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${READ_ALL_SQL}`, ['0', '0', 20000])).map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Scan using sl_events_global');
      expect(plan).not.toContain('Sort');
    } finally {
      await store.close();
    }
  });
});
