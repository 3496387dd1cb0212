import type { SqlEventStore } from '@service-ledger/event-store';
import { bulkEvents } from '@service-ledger/seed';

/**
 * P2's store-backed dataset, shared by run.ts and catchup.ts so both measure the same history: enough generated
 * projects (about 7 300 events a year each) that the history reaches `events`, cut there.
 */
export async function fillStore(store: SqlEventStore, events: number, until: Date): Promise<{ loaded: number; projects: number }> {
  const projects = Math.max(1, Math.ceil(events / 7000));
  let loaded = 0;
  const gen = bulkEvents({ projects, months: 12, seed: 1, until }, 20_000);
  for (let r = gen.next(); !r.done && loaded < events; r = gen.next()) {
    await store.importNewStreams(r.value);
    loaded += r.value.length;
  }
  return { loaded, projects };
}
