import { verifyStore } from '@service-ledger/audit';
import { createEventStore, type SqlEventStore } from '@service-ledger/event-store';
import { bulkEvents } from './bulk';

describe('bulk sample data for benchmarks', () => {
  it('loads the same decisions in bulk, with intact hash chains, across batch boundaries', async () => {
    const store = (await createEventStore({ kind: 'pglite' })) as SqlEventStore;
    const gen = bulkEvents({ projects: 1, months: 2, seed: 3, until: new Date('2026-11-20T00:00:00Z') }, 500);
    let loaded = 0;
    for (let r = gen.next(); !r.done; r = gen.next()) {
      await store.importNewStreams(r.value);
      loaded += r.value.length;
    }
    expect(loaded).toBeGreaterThan(1500);
    const report = await verifyStore(store);
    expect(report).toMatchObject({ ok: true, events: loaded });
    await store.close();
  });
});
