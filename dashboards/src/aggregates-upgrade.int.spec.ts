import { AGGREGATES, type Analytics, dumpTable, migrate, PAYMENT_AMOUNT, restartIfEmpty } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../test/support/sample';
import { allPanels } from './catalogue';
import { panelParams } from './filters';
import { toApiSql } from './sql';

/**
 * A migration that adds aggregates fills them from the tables as they stand (no replay): an installation at the
 * migration before gets them equal to those the projector keeps, and the panels that read them answer as on an
 * installation projected with them. Migration 11 adds the cases per month of receipt and of completion, 14 the
 * complaints per month of receipt, department and classification, 15 the repairs per month of receipt and building,
 * 17 the complaints per month of receipt and place.
 */
describe('upgrade: aggregates filled from the tables', () => {
  let store: EventStore;
  let live: Analytics;
  const upgraded: Analytics[] = [];
  beforeAll(async () => {
    ({ store, db: live } = await sampleCompany({ projects: 2, months: 4 }));
  }, 180_000);
  afterAll(async () => {
    for (const db of [live, ...upgraded]) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  /**
   * An installation at the migration before `migration`, its tables copied from the live one, upgraded: the aggregates
   * `migration` adds equal the projector's, and `panels` answer as on the live installation. The upgraded one, for
   * more checks.
   */
  async function upgradedFrom(migration: number, added: string[], panels: string[]): Promise<Analytics> {
    const before = live.withDatabase(`${live.database}_at${migration - 1}`);
    upgraded.push(before);
    expect(AGGREGATES.filter((a) => a.migration === migration).map((a) => a.table)).toEqual(added);
    await migrate(before, { through: migration - 1 });
    const tables = await before.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {d:String} AND engine NOT LIKE '%View%' AND name != 'schema_migrations'", { d: before.database });
    expect(tables.map((t) => t.name)).not.toEqual(expect.arrayContaining(added));
    // event_facts fills from events through its view (without the columns a later migration adds, until it does).
    for (const { name } of tables.filter((t) => t.name !== 'event_facts')) await before.command(`INSERT INTO ${before.table(name)} SELECT * FROM ${live.table(name)}`);
    await migrate(before);
    expect(await restartIfEmpty(store, before)).toBe(false);
    for (const table of added) {
      const kept = await dumpTable(live, table);
      expect(kept.length).toBeGreaterThan(0);
      expect(await dumpTable(before, table)).toEqual(kept);
    }
    const params = panelParams({ from: new Date('2026-06-30T16:00:00Z'), to: new Date('2026-10-31T16:00:00Z'), project: '', department: '', staff: '' }, [], 'Asia/Shanghai');
    for (const id of panels) {
      const sql = allPanels().find((p) => p.id === id)!.sql;
      const rows = await live.query(toApiSql(sql, (t) => live.table(t)), params);
      expect([id, rows.length]).not.toEqual([id, 0]);
      expect(await before.query(toApiSql(sql, (t) => before.table(t)), params)).toEqual(rows);
    }
    return before;
  }

  it.each([
    [11, ['cases_received_monthly', 'cases_completed_monthly'], ['complaint_rates_trend', 'repair_timeliness_trend']],
    [14, ['complaints_received_monthly'], ['complaints_by_nature', 'complaints_by_content', 'complaints_by_topic', 'complaints_trend', 'complaint_topics_by_month', 'complaint_causes']],
    // The complaints per month and place, the first aggregate of the event facts (filled by their view, not the projector).
    [17, ['complaint_places_monthly'], ['complaint_places']],
  ])('an installation before migration %i gets %j from its tables, equal to the projector’s, and the same panels %j', async (migration, added, panels) => {
    await upgradedFrom(migration, added, panels);
  }, 300_000);

  // Migration 15 adds the repairs per month of receipt and building, and the payment amount as a column of
  // event_facts: filled in place, equal to what the projector keeps, and the panels that read them answer alike.
  it('an installation at migration 14 gets the repairs per receipt month and building and the stored payment amounts, equal to the projector’s, and the same panels', async () => {
    const at14 = await upgradedFrom(15, ['repairs_received_monthly'], ['worst_buildings', 'kpi_fees_collected', 'fees_trend']);
    const amounts = (db: Analytics) => db.query<{ event_id: string; amount: string }>(`SELECT toString(event_id) AS event_id, toString(${PAYMENT_AMOUNT}) AS amount FROM {{event_facts}} FINAL ORDER BY event_id`);
    const stored = await amounts(live);
    expect(stored.filter((r) => r.amount !== '0').length).toBeGreaterThan(0);
    expect(await amounts(at14)).toEqual(stored);
  }, 300_000);
});
