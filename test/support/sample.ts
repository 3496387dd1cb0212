import { type Analytics, Projector, projectAll } from '@service-ledger/analytics';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { seedStore } from '@service-ledger/seed';
import { testAnalytics } from './chdb';

/** A seeded sample company in PGlite, projected into a fresh chDB database. */
export async function sampleCompany(opts: { projects?: number; months?: number } = {}): Promise<{ store: EventStore; db: Analytics; until: Date }> {
  const until = new Date('2026-11-20T00:00:00Z');
  const store = await createEventStore({ kind: 'pglite' });
  const report = await seedStore(store, { projects: opts.projects ?? 2, months: opts.months ?? 6, seed: 11, until });
  if (report.failed.length) throw new Error(`seed failed: ${JSON.stringify(report.failed.slice(0, 3))}`);
  const db = await testAnalytics('sample');
  await projectAll(store, new Projector(db));
  return { store, db, until };
}
