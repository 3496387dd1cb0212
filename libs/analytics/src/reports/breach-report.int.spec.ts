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

/**
 * The report's list travels as arrays read by position (`listedClock`), the decided clocks as named rows
 * (`decidedClocks`): the same clocks field by field, on clocks whose fields differ — met late, open past the deadline,
 * paused past it (not breached), a complaint clock with a nature, nobody answering for a clock, a person unknown to the
 * staff table, a case without a building, deadlines on the month's first and last local instants, several projects.
 */
describe('breach report: its list equals the breached decided clocks, field by field', () => {
  let db: ClickHouseAnalytics;
  const filters = { month: '2026-10', timeZone: 'Asia/Shanghai' };
  const now = new Date('2026-11-20T00:00:00Z');

  beforeAll(async () => {
    db = await testAnalytics('breach_report_list');
    await db.command(`INSERT INTO {{staff}} (staff_id, name, role, department, project_ids, active, version) VALUES
      ('tech-1', '王师傅', 'technician', 'engineering', ['p1'], 1, 1), ('handler-2', '李四', 'complaint_handler', '', ['p2'], 1, 1)`);
    await db.command(`INSERT INTO {{cases}} (case_id, case_type, project_id, building, department, opened_at, version, case_number) VALUES
      ('r1', 'repair', 'p1', 'B1', 'engineering', '2026-09-30 10:00:00', 1, 'BX-0001'), ('r2', 'repair', 'p1', '', 'property', '2026-10-20 02:00:00', 1, ''),
      ('c1', 'complaint', 'p2', 'B9', 'service', '2026-10-02 01:00:00', 1, 'TS-0007'), ('c2', 'complaint', 'p2', 'B9', 'service', '2026-10-25 01:00:00', 1, '')`);
    const columns = '(case_id, clock, case_type, project_id, category, responsible_id, opened_at, started_at, deadline, warning_at, met_at, status, breach_seconds, paused_seconds, paused, version, case_number)';
    // Month edges in Asia/Shanghai: 2026-10-01 00:00 local is 2026-09-30 16:00 UTC; 2026-10-31 23:59:59.999 local is 2026-10-31 15:59:59.999 UTC.
    await db.command(`INSERT INTO {{sla_clocks}} ${columns} VALUES
      ('r1', 'repair_arrival', 'repair', 'p1', 'urgent', 'tech-1', '2026-09-30 10:00:00', '2026-09-30 10:00:00', '2026-09-30 16:00:00', '2026-09-30 15:00:00', '2026-10-01 02:00:00', 'breached', 36000, 0, 0, 1, 'BX-0001'),
      ('r1', 'repair_fix', 'repair', 'p1', 'urgent', 'tech-1', '2026-09-30 10:00:00', '2026-09-30 10:00:00', '2026-10-31 15:59:59.999', '2026-10-31 12:00:00', NULL, 'running', 0, 0, 0, 1, 'BX-0001'),
      ('r2', 'repair_arrival', 'repair', 'p1', 'general', '', '2026-10-20 02:00:00', '2026-10-20 02:00:00', '2026-10-21 02:00:00', '2026-10-21 01:00:00', '2026-10-22 02:30:00', 'breached', 88200, 0, 0, 1, ''),
      ('r2', 'repair_fix', 'repair', 'p1', 'general', 'ghost', '2026-10-20 02:00:00', '2026-10-20 02:00:00', '2026-10-23 02:00:00', '2026-10-22 02:00:00', NULL, 'running', 0, 3600, 1, 1, ''),
      ('c1', 'first_reply', 'complaint', 'p2', 'quality', 'handler-2', '2026-10-02 01:00:00', '2026-10-02 01:00:00', '2026-10-02 03:00:00', '2026-10-02 02:30:00', '2026-10-02 03:00:30', 'breached', 30, 0, 0, 1, 'TS-0007'),
      ('c1', 'promised_reply', 'complaint', 'p2', 'quality', 'handler-2', '2026-10-02 01:00:00', '2026-10-02 01:00:00', '2026-10-05 01:00:00', '2026-10-04 01:00:00', '2026-10-04 01:00:00', 'met', 0, 0, 0, 1, 'TS-0007'),
      ('c2', 'first_reply', 'complaint', 'p2', 'service', 'handler-2', '2026-10-25 01:00:00', '2026-10-25 01:00:00', '2026-10-25 03:00:00', '2026-10-25 02:30:00', NULL, 'running', 0, 0, 0, 1, '')`);
  }, 60_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('lists every breached clock of the month as decidedClocks gives it, in the same order', async () => {
    const report = await breachReport(db, filters, now);
    const breached = await decidedClocks(db, filters, now, 'breached');
    expect(breached.map((c) => `${c.projectId}/${c.caseId}/${c.clock}`)).toEqual(['p1/r1/repair_arrival', 'p1/r2/repair_arrival', 'p1/r1/repair_fix', 'p2/c1/first_reply', 'p2/c2/first_reply']);
    expect(report.breaches).toEqual(breached);
    // Fields that differ between the clocks, so that two columns swapped in the list would show.
    expect(report.breaches.map((c) => [c.caseNumber, c.category, c.building, c.responsibleId, c.responsibleName, c.department, c.metAt, c.open, c.overSeconds])).toEqual([
      ['BX-0001', 'urgent', 'B1', 'tech-1', '王师傅', 'engineering', '2026-10-01T02:00:00.000Z', false, 36000],
      ['', 'general', '', '', '', 'property', '2026-10-22T02:30:00.000Z', false, 88200],
      ['BX-0001', 'urgent', 'B1', 'tech-1', '王师傅', 'engineering', null, true, 1],
      ['TS-0007', 'quality', 'B9', 'handler-2', '李四', 'service', '2026-10-02T03:00:30.000Z', false, 30],
      ['', 'service', 'B9', 'handler-2', '李四', 'service', null, true, 565200],
    ]);
    expect(report.groups.filter((g) => g.dimension === 'project').map((g) => [g.key, g.decided, g.breaches])).toEqual([['p1', 3, 3], ['p2', 3, 2]]);
  });
});
