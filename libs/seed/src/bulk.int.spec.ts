import { verifyStore } from '@service-ledger/audit';
import { createEventStore, type SqlEventStore } from '@service-ledger/event-store';
import { bulkEvents } from './bulk';

describe('bulk sample data for benchmarks', () => {
  it('loads the same decisions in bulk, with intact hash chains, across batch boundaries', async () => {
    const store = (await createEventStore({ kind: 'pglite' })) as SqlEventStore;
    const gen = bulkEvents({ projects: 1, months: 2, seed: 3, until: new Date('2026-11-20T00:00:00Z') }, 500);
    let loaded = 0;
    let r = gen.next();
    for (; !r.done; r = gen.next()) {
      await store.importNewStreams(r.value);
      loaded += r.value.length;
    }
    expect(loaded).toBeGreaterThan(1500);
    expect(r.value.refused).toBe(0);
    const report = await verifyStore(store);
    expect(report).toMatchObject({ ok: true, events: loaded });
    await store.close();
  });

  it('refuses nothing over a year: the states it forgets are never needed again (reworks within warranty included)', () => {
    const gen = bulkEvents({ projects: 2, months: 12, seed: 5, until: new Date('2026-11-20T00:00:00Z') }, 100_000);
    let r = gen.next();
    let reworks = 0;
    for (; !r.done; r = gen.next()) reworks += r.value.filter((e) => e.type === 'RepairReported' && (e.data as { reworkOf?: string }).reworkOf).length;
    expect(r.value.refused).toBe(0);
    expect(reworks).toBeGreaterThan(0);
  });
});
