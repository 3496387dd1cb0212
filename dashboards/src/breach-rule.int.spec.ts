import { type Analytics, compareDatabases, decidedClocks, KPIS, migrate, OPEN_CLOCK, Projector, PROJECTION_TABLES, projectAll, runKpi, staffScorecard } from '@service-ledger/analytics';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { repairPayload, Scenario } from '@service-ledger/testing';
import { newId } from '@service-ledger/core';
import { DateTime } from 'luxon';
import { testAnalytics } from '../../test/support/chdb';
import { allPanels, kpiValueSql } from './catalogue';
import { panelParams } from './filters';
import { toApiSql } from './sql';

const TZ = 'Asia/Shanghai';

/**
 * One rule decides "breached" (docs/domain.md, SLA clocks): a pause moves the deadline by its length, so a clock
 * paused past its nominal deadline is judged against the extended one — by the clock engine (libs/sla `settle`),
 * the KPIs on the case table and the panels on the clock table alike. Cases computed by hand.
 */
describe('breached: a clock paused past its nominal deadline, in KPIs and panels alike', () => {
  let store: EventStore;
  let db: Analytics;
  let s: Scenario;
  /** Local time (UTC+8) of `hours` from now, for a clock still running at query time. */
  const fromNow = (hours: number) => DateTime.now().setZone(TZ).plus({ hours }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  /** The cases with a clock breached now: A's follow-up visit (never made), D's and F's arrival. */
  let breachedNow: string[];
  let cancelled: string;

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    db = await testAnalytics('breach_rule');
    s = new Scenario(store);
    // A: general repair (72 h) reported Mon 2 March 09:00; nominal deadline Thu 5 March 09:00. Paused Wed 4 March 09:00
    // until Sat 7 March 09:00 (72 h, past the nominal deadline): the deadline moves to Sun 8 March 09:00. Completed
    // Sat 7 March 12:00 — 27 h after the nominal deadline, 21 h before the extended one: met.
    const a = await s.repairToWork({ category: 'general', reported: '2026-03-02T09:00:00', arrived: '2026-03-02T10:00:00', technician: 'tech-7' });
    await s.run('PauseRepair', { repairId: a, reason: 'parts_on_order' }, '2026-03-04T09:00:00', 'technician', 'tech-7');
    await s.run('ResumeRepair', { repairId: a }, '2026-03-07T09:00:00', 'technician', 'tech-7');
    await s.complete(a, '2026-03-07T12:00:00', 'tech-7');
    // B: urgent repair reported 5 h ago, no technician on site yet; the 2 h arrival clock was paused 4 h 30 min ago
    // and resumed 30 min ago (4 h paused): nominal deadline 3 h ago, extended deadline in 1 h. Running, not breached.
    const b = newId();
    await s.run('ReportRepair', { ...repairPayload(b), category: 'urgent' }, fromNow(-5), 'receptionist', 'desk-1');
    await s.run('PauseRepair', { repairId: b, reason: 'owner_absent' }, fromNow(-4.5), 'receptionist', 'desk-1');
    await s.run('ResumeRepair', { repairId: b }, fromNow(-0.5), 'receptionist', 'desk-1');
    // C: urgent repair reported 5 h ago, paused 4 h 30 min ago and still paused: its deadline moves while it lasts.
    const c = newId();
    await s.run('ReportRepair', { ...repairPayload(c), category: 'urgent' }, fromNow(-5), 'receptionist', 'desk-1');
    await s.run('PauseRepair', { repairId: c, reason: 'owner_absent' }, fromNow(-4.5), 'receptionist', 'desk-1');
    // D (the control): urgent repair reported 3 h ago, never paused: breached now, by 1 h, everywhere.
    const d = newId();
    await s.run('ReportRepair', { ...repairPayload(d), category: 'urgent' }, fromNow(-3), 'receptionist', 'desk-1');
    // F: urgent repair reported 3 h ago, dispatched 30 min ago — after its arrival deadline: judged breached as of
    // that event, yet still open, so stored running and found breached now when read, like D.
    const f = newId();
    await s.run('ReportRepair', { ...repairPayload(f), category: 'urgent' }, fromNow(-3), 'receptionist', 'desk-1');
    await s.run('DispatchRepair', { repairId: f, technicianId: 'tech-8', dispatchNo: 'D-F' }, fromNow(-0.5), 'engineering_supervisor', 'eng-1');
    // G: urgent repair reported 3 h ago, cancelled 30 min ago: its arrival clock stays breached (by 30 min) but is no
    // longer open — not breached *now*, not overdue, not alerted.
    const g = newId();
    await s.run('ReportRepair', { ...repairPayload(g), category: 'urgent' }, fromNow(-3), 'receptionist', 'desk-1');
    await s.run('CancelRepair', { repairId: g, reason: 'owner fixed it' }, fromNow(-0.5), 'receptionist', 'desk-1');
    cancelled = g;
    breachedNow = [a, d, f].sort();
    await projectAll(store, new Projector(db));
  }, 120_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  const kpi = (id: string, month: string) => runKpi(db, KPIS.find((k) => k.id === id)!, { month, project: 'p1', timeZone: TZ });
  const panel = async (id: string, from: Date, to: Date) => {
    const p = allPanels().find((x) => x.id === id)!;
    return db.query<Record<string, unknown>>(toApiSql(p.sql, (t) => db.table(t)), panelParams({ from, to, project: '', department: '', staff: '' }, ['p1'], TZ));
  };
  const march = { from: new Date('2026-03-01T00:00:00+08:00'), to: new Date('2026-04-01T00:00:00+08:00') };
  const monthNow = DateTime.now().setZone(TZ);
  const now = { from: monthNow.minus({ days: 2 }).toJSDate(), to: monthNow.plus({ days: 2 }).toJSDate() };

  it('A: the clock engine extends the deadline by the 72 h paused and judges the fix met', async () => {
    const [row] = await db.query<Record<string, string>>("SELECT status, toString(deadline) AS deadline, paused_seconds FROM {{sla_clocks}} FINAL WHERE clock = 'repair_fix' AND started_at < '2026-04-01'");
    expect(row).toEqual({ status: 'met', deadline: '2026-03-08 01:00:00.000', paused_seconds: 72 * 3600 });
  });

  it('A: the KPIs count it within the limit, as the panels do', async () => {
    for (const id of ['general_fixed_72h', 'repair_timeliness']) expect([id, (await kpi(id, '2026-03')).numerator, (await kpi(id, '2026-03')).denominator]).toEqual([id, 1, 1]);
    const [general] = await db.query<{ value: number }>(toApiSql(kpiValueSql('general_fixed_72h'), (t) => db.table(t)), panelParams({ ...march, project: '', department: '', staff: '' }, ['p1'], TZ));
    expect(Number(general.value)).toBe(1);
    expect((await panel('on_time_by_clock', march.from, march.to)).find((r) => r.label === 'repair_fix')).toEqual({ label: 'repair_fix', value: 1 });
    // (The follow-up visit after it, never made, is breached: the first responder's, desk-1.)
    expect((await panel('breaches_by_person', march.from, march.to)).find((r) => r.responsible_id === 'tech-7')).toMatchObject({ breaches: 0, clocks_due: 1 });
    expect((await decidedClocks(db, { month: '2026-03', project: 'p1', timeZone: TZ })).filter((x) => x.clock === 'repair_fix')).toEqual([expect.objectContaining({ breached: false })]);
    expect((await staffScorecard(db, { month: '2026-03', project: 'p1', timeZone: TZ })).find((x) => x.staffId === 'tech-7')).toMatchObject({ onTime: 1, onTimeBase: 1 });
  });

  it('B and C: arrival clocks paused past their nominal deadline are not breached now, in the KPI or any panel; D and F are', async () => {
    const month = monthNow.toFormat('yyyy-MM');
    // urgent_on_site_2h counts decided arrival clocks: D (running 1 h past its deadline, never paused), F, and G
    // (cancelled after its deadline: the breach stays recorded).
    expect(await kpi('urgent_on_site_2h', month)).toMatchObject({ numerator: 0, denominator: 3 });
    const [g] = await db.query<{ status: string; open: number }>(`SELECT status, ${OPEN_CLOCK} AS open FROM {{sla_clocks}} FINAL WHERE case_id = {c:String} AND clock = 'repair_arrival'`, { c: cancelled });
    expect(g).toEqual({ status: 'breached', open: 0 });
    // C reads as paused from its pause, the last event it has (libs/sla `settle`): without that, C was breached 1 h
    // after its nominal deadline in the KPI and the panels alike.
    const [paused] = await db.query<{ n: string }>("SELECT count() AS n FROM {{sla_clocks}} FINAL WHERE clock = 'repair_arrival' AND paused = 1");
    expect(Number(paused.n)).toBe(1);
    expect(await panel('breached_now', now.from, now.to)).toEqual([{ value: 3 }]);
    expect((await panel('on_time_by_clock', now.from, now.to)).find((r) => r.label === 'repair_arrival')).toEqual({ label: 'repair_arrival', value: 0 });
    expect((await panel('at_risk_now', now.from, now.to)).filter((r) => r.state === 'breached').map((r) => r.case_id).sort()).toEqual(breachedNow);
  });

  it('an installation at migration 5, its clocks judged by the previous rule, is rebuilt by replay (migration 6)', async () => {
    const old = db.withDatabase(`${db.database}_m5`);
    try {
      // The previous version's tables, holding the same rows (their columns), as its projector left them.
      await migrate(old, { through: 5 });
      for (const table of PROJECTION_TABLES) {
        const columns = (await old.query<{ name: string }>('SELECT name FROM system.columns WHERE database = {d:String} AND table = {t:String} ORDER BY position', { d: old.database, t: table })).map((c) => `\`${c.name}\``);
        // (Tables of later migrations, such as the monthly aggregates, do not exist there yet.)
        if (columns.length) await old.command(`INSERT INTO ${old.table(table)} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${db.table(table)}`);
      }
      // As the previous rule stored C: not paused.
      await old.command(`ALTER TABLE ${old.table('sla_clocks')} UPDATE paused = 0 WHERE paused = 1 SETTINGS mutations_sync = 1`);
      const pausedIn = async (x: Analytics) => Number((await x.query<{ n: string }>('SELECT count() AS n FROM {{sla_clocks}} FINAL WHERE paused = 1'))[0].n);
      expect(await pausedIn(old)).toBe(0);
      await migrate(old);
      // Emptied: the projector (rebuildIfEmpty / restartIfEmpty) replays the whole store into it.
      expect((await old.projectionPosition()).events).toBe(0);
      await projectAll(store, new Projector(old));
      expect(await pausedIn(old)).toBe(2); // C's arrival and fix clocks
      expect(await compareDatabases(db, old)).toMatchObject({ equal: true });
    } finally {
      await old.command(`DROP DATABASE IF EXISTS \`${old.database}\``);
    }
  });
});
