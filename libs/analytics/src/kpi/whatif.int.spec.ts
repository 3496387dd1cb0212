import { ValidationError } from '@service-ledger/core';
import type { EventStore } from '@service-ledger/event-store';
import { seededFixture } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { Projector } from '../projector/projector';
import { compareDatabases, projectAll } from '../projector/replay';
import { whatIf } from './whatif';

describe('kpi what-if: a month under a proposed policy', () => {
  let store: EventStore;
  let db: Analytics;
  let fixture: Awaited<ReturnType<typeof seededFixture>> | undefined;
  beforeAll(async () => {
    fixture = await seededFixture('whatif', 5);
    ({ store, db } = fixture);
    await projectAll(store, new Projector(db));
  }, 120_000);
  afterAll(async () => fixture?.close());

  it('prints every KPI old and new with the difference; the live tables do not change', async () => {
    const copy = db.withDatabase(`${db.database}_before`);
    await copy.command(`CREATE DATABASE \`${copy.database}\``);
    // The materialized view feeding event_facts has no storage of its own: the copy holds event_facts itself.
    for (const t of (await db.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {d:String} AND engine != 'MaterializedView'", { d: db.database })).map((r) => r.name)) {
      await copy.command(`CREATE TABLE {{${t}}} AS ${db.table(t)}`);
      await copy.command(`INSERT INTO {{${t}}} SELECT * FROM ${db.table(t)}`);
    }
    // A first reply within one working minute: nearly every complaint of the month becomes late.
    const result = await whatIf(store, db, { month: '2026-10', policy: { sla: { halfWorkingDay: 'PT1M' } } });
    const firstReply = result.company.find((k) => k.id === 'complaint_first_reply_half_day')!;
    expect(firstReply.old.denominator).toBeGreaterThan(0);
    expect(firstReply.new.denominator).toBe(firstReply.old.denominator);
    expect(firstReply.new.numerator).toBeLessThan(firstReply.old.numerator);
    expect(firstReply.difference).toBeCloseTo(firstReply.new.rate! - firstReply.old.rate!, 6);
    // Repair limits run on the wall clock and were not proposed: unchanged.
    expect(result.company.find((k) => k.id === 'urgent_fixed_24h')!.difference).toBe(0);
    expect(result.projects.map((p) => p.projectId)).toEqual(['P01']);
    expect(result.projects[0].kpis.find((k) => k.id === 'complaint_first_reply_half_day')).toEqual(firstReply);
    // The live tables are exactly as before, and the scratch database is gone.
    expect((await compareDatabases(db, copy)).equal).toBe(true);
    const left = await db.query<{ name: string }>("SELECT name FROM system.databases WHERE name LIKE {p:String}", { p: `${db.database}_whatif_%` });
    expect(left).toEqual([]);
    await copy.command(`DROP DATABASE \`${copy.database}\``);
  }, 180_000);

  it('a proposal that breaks a rule is refused naming the field, before anything runs', async () => {
    await expect(whatIf(store, db, { month: '2026-10', policy: { sla: { halfWorkingDay: 'half a day' } } })).rejects.toThrow(ValidationError);
    await expect(whatIf(store, db, { month: '2026-10', policy: { sla: { halfWorkingDay: 'half a day' } } })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'policy.sla.halfWorkingDay' })] });
    await expect(whatIf(store, db, { month: '2026-13', policy: { sla: { halfWorkingDay: 'PT1H' } } })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'month' })] });
  });
});
