import type { ClickHouseAnalytics } from '../client';
import { testAnalytics } from '../../../../test/support/chdb';
import { breachReport, decidedClocks } from './breach-report';

/**
 * The breach report reads the clocks and their cases FINAL only by the sorting keys of the clocks due in the month,
 * taken from every stored version (breach-report.ts DECIDED). The month is the kept version's: a clock re-judged
 * out of the month is not in it, one re-judged into it is, with its case's building and department.
 */
describe('breach report: the month of a clock is its kept version’s deadline', () => {
  let db: ClickHouseAnalytics;
  const filters = { month: '2026-10', timeZone: 'Asia/Shanghai' };
  const now = new Date('2026-11-20T00:00:00Z');

  beforeAll(async () => {
    db = await testAnalytics('breach_report');
    await db.command(`INSERT INTO {{cases}} (case_id, case_type, project_id, building, department, opened_at, version) VALUES
      ('moved-out', 'repair', 'p1', 'B1', 'engineering', '2026-09-20 01:00:00', 1), ('moved-in', 'repair', 'p1', 'B2', 'engineering', '2026-09-25 01:00:00', 1)`);
    const clock = (caseId: string, opened: string, deadline: string, status: string, breach: number, version: number) =>
      `('${caseId}', 'repair_fix', 'repair', 'p1', 'general', 'nobody', '${opened}', '${opened}', '${deadline}', '${deadline}', NULL, '${status}', ${breach}, 0, 0, ${version})`;
    const columns = '(case_id, clock, case_type, project_id, category, responsible_id, opened_at, started_at, deadline, warning_at, met_at, status, breach_seconds, paused_seconds, paused, version)';
    // Two inserts, two parts: the first versions stay stored beside the kept ones until a merge.
    await db.command(`INSERT INTO {{sla_clocks}} ${columns} VALUES ${clock('moved-out', '2026-09-20 01:00:00', '2026-10-05 01:00:00', 'breached', 3600, 1)}, ${clock('moved-in', '2026-09-25 01:00:00', '2026-11-02 01:00:00', 'breached', 60, 1)}`);
    await db.command(`INSERT INTO {{sla_clocks}} ${columns} VALUES ${clock('moved-out', '2026-09-20 01:00:00', '2026-11-05 01:00:00', 'breached', 60, 2)}, ${clock('moved-in', '2026-09-25 01:00:00', '2026-10-10 01:00:00', 'breached', 7200, 2)}`);
    expect((await db.query<{ n: string }>('SELECT count() AS n FROM {{sla_clocks}}'))[0].n).toBe(4);
  }, 60_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('lists and counts the clock re-judged into the month, with its case’s building, department and opening; not the one moved out', async () => {
    const report = await breachReport(db, filters, now);
    expect(report.breaches).toEqual([expect.objectContaining({
      caseId: 'moved-in', building: 'B2', department: 'engineering', openedAt: '2026-09-25T01:00:00.000Z', deadline: '2026-10-10T01:00:00.000Z', overSeconds: 7200,
    })]);
    expect(report.groups.filter((g) => g.dimension === 'project')).toEqual([expect.objectContaining({ key: 'p1', decided: 1, breaches: 1 })]);
    expect(report.groups.filter((g) => g.dimension === 'building').map((g) => g.key)).toEqual(['B2']);
    expect((await decidedClocks(db, filters, now)).map((c) => c.caseId)).toEqual(['moved-in']);
  });
});

/**
 * Clocks and cases are selected by the keys of the cases with a clock due in the month (`CASES_DUE_IN_MONTH`): a
 * case's other clocks come with it, and only the deadline test keeps them out.
 */
describe('breach report: a case with a clock due in the month and another due later', () => {
  let db: ClickHouseAnalytics;
  const filters = { month: '2026-10', timeZone: 'Asia/Shanghai' };
  const now = new Date('2026-11-20T00:00:00Z');

  beforeAll(async () => {
    db = await testAnalytics('breach_report_clocks');
    await db.command(`INSERT INTO {{cases}} (case_id, case_type, project_id, building, department, opened_at, version) VALUES
      ('two-clocks', 'repair', 'p1', 'B3', 'engineering', '2026-10-01 01:00:00', 1)`);
    const columns = '(case_id, clock, case_type, project_id, category, responsible_id, opened_at, started_at, deadline, warning_at, met_at, status, breach_seconds, paused_seconds, paused, version)';
    await db.command(`INSERT INTO {{sla_clocks}} ${columns} VALUES
      ('two-clocks', 'repair_arrival', 'repair', 'p1', 'urgent', 'tech-1', '2026-10-01 01:00:00', '2026-10-01 01:00:00', '2026-10-01 03:00:00', '2026-10-01 02:30:00', NULL, 'breached', 600, 0, 0, 1),
      ('two-clocks', 'repair_fix', 'repair', 'p1', 'urgent', 'tech-1', '2026-10-01 01:00:00', '2026-10-01 01:00:00', '2026-11-08 01:00:00', '2026-11-07 01:00:00', NULL, 'breached', 900, 0, 0, 1)`);
  }, 60_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('lists and counts only the clock due in the month', async () => {
    const report = await breachReport(db, filters, now);
    expect(report.breaches.map((b) => [b.caseId, b.clock, b.overSeconds, b.building])).toEqual([['two-clocks', 'repair_arrival', 600, 'B3']]);
    expect(report.groups.filter((g) => g.dimension === 'clock').map((g) => [g.key, g.decided, g.breaches])).toEqual([['repair_arrival', 1, 1]]);
    expect((await decidedClocks(db, filters, now)).map((c) => c.clock)).toEqual(['repair_arrival']);
  });
});
