import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../../../test/support/sample';
import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from '../kpi/run';
import { followUpVisits, satisfactionByPerson, type VisitRow } from './satisfaction-report';

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
 * The visit list was rewritten for the monthly export at 200 projects (issue 20, P6): the visits come as one sorted
 * array per project instead of an object per visit. Over a seeded company, each month and filter gives what the query
 * before gave.
 */
describe('visit list: the same visits, in the same order, as the query it replaced', () => {
  let store: EventStore;
  let db: Analytics;
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
