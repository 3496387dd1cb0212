import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from './create-event-store';
import { runEventStoreContract } from './testing/contract';

runEventStoreContract('pglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-pglite-'));
  return {
    open: (upcasters) => createEventStore({ kind: 'pglite', dataDir: join(dir, 'a') }, upcasters),
    // PGlite allows one process-level instance per data dir; durability is checked by reopening after close.
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
