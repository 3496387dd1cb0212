import { type Analytics, compareDatabases, migrate, Projector, restartIfEmpty, StoreEventSource } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { createEventStore } from '@service-ledger/event-store';
import { seedStore } from '@service-ledger/seed';
import { testAnalytics } from '../../../test/support/chdb';
import { buildKpiExport, type KpiExport } from './kpi-export';

/**
 * Upgrading to the tables sorted by project and time (migration 5) recreates them empty and the projector replays the
 * whole store into them: an installation upgraded from migration 4 gives the same monthly KPI export as before.
 */
describe('upgrade of the analytics tables (migration 5): rebuilt by replay, same KPI export', () => {
  let store: EventStore;
  let live: Analytics;
  let upgraded: Analytics;
  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    const report = await seedStore(store, { projects: 2, months: 6, seed: 11, until: new Date('2026-11-20T00:00:00Z') });
    if (report.failed.length) throw new Error(`seed failed: ${JSON.stringify(report.failed.slice(0, 3))}`);
    live = await testAnalytics('upgrade_live');
    upgraded = live.withDatabase(`${live.database}_old`);
  }, 300_000);
  afterAll(async () => {
    for (const db of [live, upgraded]) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  const follow = async (db: Analytics) => {
    const projector = new Projector(db);
    const running = await new StoreEventSource(store, 'projector', 5000, 20).start((events) => projector.handle(events));
    await running.caughtUp;
    await running.stop();
  };
  const exportOf = async (db: Analytics, month: string) => {
    const { generatedAt: _generated, ...rest } = await buildKpiExport(db, { month, timeZone: 'Asia/Shanghai' });
    return rest as Omit<KpiExport, 'generatedAt'>;
  };

  it('an installation at migration 4 is recreated, replayed from the store and exports the same figures', async () => {
    // The current design, projected by the subscription the embedded projector uses (its checkpoint ends at the head).
    await follow(live);
    const before = { september: await exportOf(live, '2026-09'), october: await exportOf(live, '2026-10') };
    expect(before.october.companyKpis.some((k) => k.denominator > 0)).toBe(true);

    // An installation of the previous version: tables as migrations 1–4 left them, holding the same rows.
    await migrate(upgraded, { through: 4 });
    for (const table of ['events', 'cases', 'sla_clocks', 'sla_clock_history', 'satisfaction', 'complaint_categories', 'staff_performance', 'staff', 'projects', 'quarantine', 'alerts', 'visitors']) {
      const columns = (await upgraded.query<{ name: string }>('SELECT name FROM system.columns WHERE database = {d:String} AND table = {t:String} ORDER BY position', { d: upgraded.database, t: table })).map((c) => `\`${c.name}\``);
      await upgraded.command(`INSERT INTO ${upgraded.table(table)} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${live.table(table)}`);
    }
    const [old] = await upgraded.query<{ sorting_key: string }>("SELECT sorting_key FROM system.tables WHERE database = {d:String} AND name = 'cases'", { d: upgraded.database });
    expect(old.sorting_key).toBe('case_id');
    // Nothing to replay while the tables hold the projection.
    expect(await restartIfEmpty(store, upgraded)).toBe(false);

    // The upgrade: the migration recreates the tables, the projector sees them empty and replays from the start.
    await migrate(upgraded);
    const [sorted] = await upgraded.query<{ sorting_key: string; partition_key: string }>("SELECT sorting_key, partition_key FROM system.tables WHERE database = {d:String} AND name = 'cases'", { d: upgraded.database });
    expect(sorted).toEqual({ sorting_key: 'project_id, case_type, opened_at, case_id', partition_key: 'toYYYYMM(opened_at)' });
    expect((await upgraded.projectionPosition()).events).toBe(0);
    expect(await restartIfEmpty(store, upgraded)).toBe(true);
    await follow(upgraded);

    expect(await exportOf(upgraded, '2026-09')).toEqual(before.september);
    expect(await exportOf(upgraded, '2026-10')).toEqual(before.october);
    expect((await compareDatabases(live, upgraded)).tables.filter((t) => t.rowsA !== t.rowsB || t.checksumA !== t.checksumB)).toEqual([]);
  }, 600_000);

  // (An installation at migration 5 is rebuilt by replay by migration 6, as the first test shows; one at 6 is not.)
  it('an installation at migration 6 gets the monthly aggregates (migration 7) filled from its tables, equal to those the projector keeps, the open clocks and complaint places (migration 8), the staff credits per person-month (migration 9), the follow-up visits and closed cases per month (migration 10) and the per-person and per-owner ones (migration 12), without a replay', async () => {
    const at5 = live.withDatabase(`${live.database}_at6`);
    try {
      await migrate(at5, { through: 6 });
      // event_facts fills from events through its view.
      for (const table of ['events', 'cases', 'sla_clocks', 'sla_clock_history', 'satisfaction', 'complaint_categories', 'staff_performance', 'staff', 'projects', 'quarantine', 'alerts', 'visitors']) {
        await at5.command(`INSERT INTO ${at5.table(table)} SELECT * FROM ${live.table(table)}`);
      }
      expect(await at5.query("SELECT name FROM system.tables WHERE database = {d:String} AND name = 'sla_breaches_monthly'", { d: at5.database })).toEqual([]);
      await migrate(at5);
      expect(await restartIfEmpty(store, at5)).toBe(false);
      for (const aggregate of ['sla_breaches_monthly', 'staff_credits_monthly', 'satisfaction_visits_monthly', 'closed_cases_monthly', 'repairs_completed_monthly', 'first_responder_closures_monthly', 'satisfaction_people_monthly', 'owner_complaints_monthly']) {
        const [{ n }] = await at5.query<{ n: string }>(`SELECT toString(count()) AS n FROM {{${aggregate}}}`);
        expect(Number(n)).toBeGreaterThan(0);
      }
      // Every table, the aggregates included, as the projector keeps them; so the exports too.
      expect((await compareDatabases(live, at5)).tables.filter((t) => t.rowsA !== t.rowsB || t.checksumA !== t.checksumB)).toEqual([]);
      expect(await exportOf(at5, '2026-10')).toEqual(await exportOf(live, '2026-10'));
      // Migration 8 stores the complaint places of the rows already there (the comparison above leaves such columns out):
      // in every part, and equal to those computed on insert.
      const places = (db: Analytics) =>
        db.query<Record<string, string>>("SELECT toString(event_id) AS event_id, location_building, location_unit FROM {{event_facts}} FINAL WHERE type = 'ComplaintReceived' ORDER BY event_id");
      const upgradedPlaces = await places(at5);
      expect(upgradedPlaces.filter((p) => p.location_building !== '' && p.location_unit !== '').length).toBeGreaterThan(0);
      expect(upgradedPlaces).toEqual(await places(live));
      const parts = await at5.query<{ parts: string; stored: string }>(
        "SELECT toString(uniqExact(name)) AS parts, toString(uniqExactIf(name, column = 'location_unit')) AS stored FROM system.parts_columns WHERE database = {d:String} AND table = 'event_facts' AND active",
        { d: at5.database },
      );
      expect(Number(parts[0].parts)).toBeGreaterThan(0);
      expect(parts[0].stored).toBe(parts[0].parts);
    } finally {
      await at5.command(`DROP DATABASE IF EXISTS \`${at5.database}\``);
    }
  }, 300_000);
});
