import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../../../test/support/sample';
import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from '../kpi/run';
import { breachReport, decidedClocks } from './breach-report';
import { followUpVisits, satisfactionByPerson, type VisitRow } from './satisfaction-report';

/** The case join of the breach report before issue 20's P6: every case, with FINAL. */
const EVERY_CASE = 'LEFT JOIN (SELECT case_id, building, department, opened_at FROM {{cases}} FINAL) AS cs ON cs.case_id = c.case_id';

/**
 * The same store, with the breach report's case join as it was: the new one (only the cases of the month's clocks, picked
 * by the cases' sorting key) is cut out of each query and the old one put in its place. Counts the queries rewritten,
 * so a test can tell that it compared something.
 */
function withEveryCase(db: Analytics): { db: Analytics; rewritten: () => number } {
  let rewritten = 0;
  const old = Object.create(db) as Analytics;
  old.query = <R>(template: string, params?: Record<string, unknown>) => {
    const replaced = template.replace(/LEFT JOIN \(SELECT case_id, building, department, opened_at FROM \{\{cases\}\} FINAL\s+WHERE [^\n]*\n\s*ON cs\.case_id = c\.case_id/, EVERY_CASE);
    if (replaced !== template) rewritten++;
    return db.query<R>(replaced, params);
  };
  return { db: old, rewritten: () => rewritten };
}

/** The visit list as it was read before issue 20's P6: one object per visit. */
async function visitsAsBefore(db: Analytics, filters: KpiFilters): Promise<VisitRow[]> {
  const rows = await db.query<Record<string, string | number>>(
    `SELECT v.project_id AS project_id, v.visit_id AS visit_id, v.case_id AS case_id, v.case_type AS case_type, toString(v.visited_at) AS visited_at,
        v.method AS method, v.satisfied AS satisfied, v.remarks AS remarks, v.responsible_id AS responsible_id, s.name AS responsible_name, v.visitor_id AS visitor_id
     FROM {{satisfaction}} AS v FINAL
     LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS s ON s.staff_id = v.responsible_id
     WHERE v.case_type IN ('repair', 'complaint') AND toYYYYMM(v.visited_at, {tz:String}) = {month:UInt32}
       AND ({project:String} = '' OR v.project_id = {project:String}) AND ({department:String} = '' OR v.department = {department:String})
       AND ({staff:String} = '' OR v.responsible_id = {staff:String})
     ORDER BY v.project_id, v.responsible_id, v.visited_at, v.visit_id`,
    kpiParams(filters),
  );
  return rows.map((r) => ({
    projectId: String(r.project_id), visitId: String(r.visit_id), caseId: String(r.case_id), caseType: String(r.case_type), visitedAt: `${String(r.visited_at).replace(' ', 'T')}Z`,
    method: String(r.method), satisfied: Number(r.satisfied) === 1, remarks: String(r.remarks ?? ''), responsibleId: String(r.responsible_id ?? ''),
    responsibleName: String(r.responsible_name ?? ''), visitorId: String(r.visitor_id ?? ''),
  }));
}

/**
 * The breach report and the visit list were rewritten for the monthly export at 200 projects (issue 20, P6): the
 * breach report reads only the cases of the month's clocks, the visits come as one array per project. Over a seeded
 * company, each month and filter gives what the queries before gave.
 */
describe('breach report and visit list: the same figures as the queries they replaced', () => {
  let store: EventStore;
  let db: Analytics;
  const now = new Date('2026-11-20T00:00:00Z');
  const TZ = 'Asia/Shanghai';

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 3 }));
  }, 300_000);
  afterAll(async () => {
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  const cases = (projectId: string): [string, KpiFilters][] => [
    ['the company, October', { month: '2026-10', timeZone: TZ }],
    ['the company, September', { month: '2026-09', timeZone: TZ }],
    ['one project, October', { month: '2026-10', project: projectId, timeZone: TZ }],
    ['the company, October, in UTC', { month: '2026-10', timeZone: 'UTC' }],
  ];

  it('the breach report: every breach with its building, department and opening, and every total', async () => {
    const projectId = (await breachReport(db, { month: '2026-10', timeZone: TZ }, now)).breaches[0].projectId;
    const old = withEveryCase(db);
    for (const [name, filters] of cases(projectId)) {
      const report = await breachReport(db, filters, now);
      expect({ name, report }).toEqual({ name, report: await breachReport(old.db, filters, now) });
      expect({ name, breaches: report.breaches.length > 0, groups: report.groups.length > 0 }).toEqual({ name, breaches: true, groups: true });
      // The joined fields are there, not empty on both sides: a case's building and opening instant.
      expect({ name, building: report.breaches.some((b) => b.building !== ''), opened: report.breaches.every((b) => /^\d{4}-\d\d-\d\dT/.test(b.openedAt)) }).toEqual({ name, building: true, opened: true });
      const decided = await decidedClocks(db, filters, now);
      expect({ name, decided }).toEqual({ name, decided: await decidedClocks(old.db, filters, now) });
    }
    expect(old.rewritten()).toBe(cases(projectId).length * 2);
  }, 120_000);

  it('the visit list and satisfaction per person', async () => {
    const visits = await followUpVisits(db, { month: '2026-10', timeZone: TZ });
    expect(visits.length).toBeGreaterThan(10);
    for (const [name, filters] of [...cases(visits[0].projectId), ['one person', { month: '2026-10', staff: visits[0].responsibleId, timeZone: TZ }] as [string, KpiFilters]]) {
      const list = await followUpVisits(db, filters);
      expect({ name, visits: list }).toEqual({ name, visits: await visitsAsBefore(db, filters) });
      expect({ name, some: list.length > 0 }).toEqual({ name, some: true });
    }
    const { people } = await satisfactionByPerson(db, { month: '2026-10', timeZone: TZ });
    expect(people.reduce((n, p) => n + p.visited, 0)).toBe(visits.filter((v) => v.responsibleId).length);
  }, 120_000);
});
