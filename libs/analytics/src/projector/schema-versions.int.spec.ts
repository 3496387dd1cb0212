import { type EventEnvelope } from '@service-ledger/core';
import { eventUpcasters } from '@service-ledger/application';
import { createEventStore, type EventStore, type SqlEventStore, START } from '@service-ledger/event-store';
import { type MaterialLine, REPAIR_COMPLETED_VERSION } from '@service-ledger/repairs';
import { Scenario } from '@service-ledger/testing';
import { testAnalytics } from '../../../../test/support/chdb';
import { registerProject } from '../../../../test/support/projects';
import type { Analytics } from '../client';
import { Projector } from './projector';
import { compareDatabases, replay } from './replay';

/** RepairCompleted as schema version 1 stored it, before materials named their supplier. */
function asVersion1(e: EventEnvelope): EventEnvelope {
  const materials = (e.data.materials as MaterialLine[]).map(({ suppliedBy, ...line }) => ({ ...line, ownerSupplied: suppliedBy === 'owner' }));
  return { ...e, schemaVersion: 1, data: { ...e.data, materials } };
}

/** PGlite stores: bulk import keeps ids and times, the raw read shows what is stored. */
const sql = (store: EventStore) => store as SqlEventStore;

async function readAll(store: EventStore): Promise<EventEnvelope[]> {
  return (await store.readAll({ after: START, limit: 1_000_000 })).events;
}

describe('schema evolution: RepairCompleted version 1 and version 2 in one store', () => {
  const stores: EventStore[] = [];
  const dbs: Analytics[] = [];
  let current: EventStore;
  let mixed: EventStore;
  let history: EventEnvelope[];

  beforeAll(async () => {
    const written = await createEventStore({ kind: 'pglite' }, eventUpcasters);
    stores.push(written);
    await registerProject(written, 'p1');
    const scenario = new Scenario(written);
    for (const [i, category] of (['urgent', 'general', 'general', 'urgent'] as const).entries()) {
      const id = await scenario.repairToWork({ category, reported: `2026-03-0${i + 2}T09:00:00`, arrived: `2026-03-0${i + 2}T10:00:00` });
      const materials = [{ name: 'washer', quantity: 2, ownerSupplied: i % 2 === 0 }, { name: 'tap', quantity: 1, ownerSupplied: false }];
      await scenario.run('CompleteRepair', { repairId: id, workDone: 'fixed', materials, materialCost: 1000, labourCost: 2000 }, `2026-03-0${i + 2}T${11 + i}:00:00`, 'technician', 'tech-1');
    }
    await scenario.complaint('2026-03-03T09:30:00');
    history = await readAll(written);
    // The same history twice (same ids and times): once as the code writes it today, once with every other
    // RepairCompleted stored in its version-1 shape, as a store written before version 2 holds it.
    let completions = 0;
    const old = history.map((e) => (e.type === 'RepairCompleted' && completions++ % 2 === 0 ? asVersion1(e) : e));
    current = await createEventStore({ kind: 'pglite' }, eventUpcasters);
    mixed = await createEventStore({ kind: 'pglite' }, eventUpcasters);
    stores.push(current, mixed);
    await sql(current).importNewStreams(history);
    await sql(mixed).importNewStreams(old);
    // Three PGlite stores start here (a WASM PostgreSQL each, several seconds apiece on a busy 2-core machine).
  }, 180_000);

  afterAll(async () => {
    for (const db of dbs) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    for (const s of stores) await s.close();
  });

  const fresh = async (prefix: string) => {
    const db = await testAnalytics(prefix);
    dbs.push(db);
    return db;
  };

  it('the store holds both versions and the code writes version 2', async () => {
    const stored = (await sql(mixed).readRawAll(0n, 1_000_000)).filter((r) => r.envelope.type === 'RepairCompleted');
    expect(REPAIR_COMPLETED_VERSION).toBe(2);
    expect(eventUpcasters.currentVersion('RepairCompleted')).toBe(2);
    expect(new Set(stored.map((r) => r.envelope.schemaVersion))).toEqual(new Set([1, 2]));
    expect(stored.some((r) => (r.envelope.data.materials as unknown[]).length > 0)).toBe(true);
  });

  it('reads every version-1 event in its version-2 shape: global log, streams and the relay’s serialized read', async () => {
    expect(await readAll(mixed)).toEqual(await readAll(current));
    const repair = history.find((e) => e.type === 'RepairCompleted' && (e.data.materials as unknown[]).length > 0)!;
    expect(await mixed.readStream(repair.streamId)).toEqual(await current.readStream(repair.streamId));
    const serialized = (await mixed.readAllSerialized!({ after: START, limit: 1_000_000 })).events.map((e) => JSON.parse(e.json));
    const upcast = serialized.filter((e) => e.type === 'RepairCompleted');
    expect(upcast.every((e) => e.schemaVersion === 2 && e.data.materials.every((m: Record<string, unknown>) => 'suppliedBy' in m && !('ownerSupplied' in m)))).toBe(true);
  });

  it('projects live and replays into the same tables as a store written in version 2 only, quarantining nothing', async () => {
    const reference = await fresh('schema_ref');
    await replay(current, reference);
    const live = await fresh('schema_live');
    const projector = new Projector(live);
    const events = await readAll(mixed);
    for (let i = 0; i < events.length; i += 50) await projector.handle(events.slice(i, i + 50));
    expect(projector.stats.quarantined).toBe(0);
    const replayed = await fresh('schema_replay');
    await replay(mixed, replayed);
    expect(await compareDatabases(reference, live)).toMatchObject({ equal: true });
    expect(await compareDatabases(reference, replayed)).toMatchObject({ equal: true });
  }, 120_000);

  it('without the upcaster the version-1 events would be quarantined (what the comparison above guards)', async () => {
    const stored = (await sql(mixed).readRawAll(0n, 1_000_000)).map((r) => r.envelope); // as stored, not upcast
    const projector = new Projector(await fresh('schema_bare'));
    await projector.handle(stored);
    expect(projector.stats.quarantined).toBeGreaterThan(0);
  }, 60_000);
});
