import { AGGREGATES, type Analytics, dumpTable, migrate, PAYMENT_AMOUNT, restartIfEmpty } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../test/support/sample';
import { allPanels } from './catalogue';
import { panelParams } from './filters';
import { toApiSql } from './sql';

/**
 * Migration 11 adds the cases per month of receipt and of completion: an installation at migration 10 gets them filled
 * from its cases as they stand (no replay), equal to those the projector keeps, and the trends that read them answer
 * as on an installation projected with them.
 */
describe('upgrades that fill aggregates from the tables as they stand', () => {
  let store: EventStore;
  let live: Analytics;
  let at10: Analytics;
  let at13: Analytics;
  beforeAll(async () => {
    ({ store, db: live } = await sampleCompany({ projects: 2, months: 4 }));
    at10 = live.withDatabase(`${live.database}_at10`);
    at13 = live.withDatabase(`${live.database}_at13`);
  }, 180_000);
  afterAll(async () => {
    for (const db of [live, at10, at13]) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  it('an installation at migration 10 gets both aggregates from its cases, equal to the projector’s, and the same trend panels', async () => {
    const added = AGGREGATES.filter((a) => a.migration === 11).map((a) => a.table);
    expect(added).toEqual(['cases_received_monthly', 'cases_completed_monthly']);
    await migrate(at10, { through: 10 });
    const tables = await at10.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {d:String} AND engine NOT LIKE '%View%' AND name != 'schema_migrations'", { d: at10.database });
    expect(tables.map((t) => t.name)).not.toEqual(expect.arrayContaining(added));
    // event_facts fills from events through its view.
    for (const { name } of tables.filter((t) => t.name !== 'event_facts')) await at10.command(`INSERT INTO ${at10.table(name)} SELECT * FROM ${live.table(name)}`);
    await migrate(at10);
    expect(await restartIfEmpty(store, at10)).toBe(false);
    for (const table of added) {
      const kept = await dumpTable(live, table);
      expect(kept.length).toBeGreaterThan(0);
      expect(await dumpTable(at10, table)).toEqual(kept);
    }
    const last = new Date('2026-10-31T16:00:00Z');
    const params = panelParams({ from: new Date('2026-06-30T16:00:00Z'), to: last, project: '', department: '', staff: '' }, [], 'Asia/Shanghai');
    for (const id of ['complaint_rates_trend', 'repair_timeliness_trend']) {
      const sql = allPanels().find((p) => p.id === id)!.sql;
      const rows = await live.query(toApiSql(sql, (t) => live.table(t)), params);
      expect(rows.length).toBeGreaterThan(0);
      expect(await at10.query(toApiSql(sql, (t) => at10.table(t)), params)).toEqual(rows);
    }
  }, 300_000);

  // Migration 15 adds the repairs per month of receipt and building, and the payment amount as a
  // column of event_facts: filled in place, equal to what the projector keeps (the live installation was projected
  // with them), and the panels that read them answer alike.
  it('an installation at migration 13 gets the repairs per receipt month and building and the stored payment amounts, equal to the projector’s, and the same panels', async () => {
    const added = AGGREGATES.filter((a) => a.migration === 15).map((a) => a.table);
    expect(added).toEqual(['repairs_received_monthly']);
    await migrate(at13, { through: 13 });
    const tables = await at13.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {d:String} AND engine NOT LIKE '%View%' AND name != 'schema_migrations'", { d: at13.database });
    expect(tables.map((t) => t.name)).not.toEqual(expect.arrayContaining(added));
    // event_facts fills from events through its view, without the amount column until the migration adds it.
    for (const { name } of tables.filter((t) => t.name !== 'event_facts')) await at13.command(`INSERT INTO ${at13.table(name)} SELECT * FROM ${live.table(name)}`);
    await migrate(at13);
    expect(await restartIfEmpty(store, at13)).toBe(false);
    for (const table of added) {
      const kept = await dumpTable(live, table);
      expect(kept.length).toBeGreaterThan(0);
      expect(await dumpTable(at13, table)).toEqual(kept);
    }
    const amounts = (db: Analytics) => db.query<{ event_id: string; amount: string }>(`SELECT toString(event_id) AS event_id, toString(${PAYMENT_AMOUNT}) AS amount FROM {{event_facts}} FINAL ORDER BY event_id`);
    const stored = await amounts(live);
    expect(stored.filter((r) => r.amount !== '0').length).toBeGreaterThan(0);
    expect(await amounts(at13)).toEqual(stored);
    const params = panelParams({ from: new Date('2026-06-30T16:00:00Z'), to: new Date('2026-10-31T16:00:00Z'), project: '', department: '', staff: '' }, [], 'Asia/Shanghai');
    for (const id of ['worst_buildings', 'kpi_fees_collected', 'fees_trend']) {
      const sql = allPanels().find((p) => p.id === id)!.sql;
      const rows = await live.query(toApiSql(sql, (t) => live.table(t)), params);
      expect([id, rows.length]).not.toEqual([id, 0]);
      expect(await at13.query(toApiSql(sql, (t) => at13.table(t)), params)).toEqual(rows);
    }
  }, 300_000);
});
