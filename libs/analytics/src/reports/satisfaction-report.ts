import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from '../kpi/run';

export interface VisitRow {
  projectId: string;
  visitId: string;
  caseId: string;
  caseType: string;
  visitedAt: string;
  method: string;
  satisfied: boolean;
  /** As recorded; callers mask phone and ID numbers before showing it (`maskFreeText`). */
  remarks: string;
  /** Who answers for the visit's case: the complaint's handler or the repair's technician at the time of the visit. */
  responsibleId: string;
  responsibleName: string;
  visitorId: string;
}

export interface PersonSatisfaction {
  projectId: string;
  staffId: string;
  name: string;
  role: string;
  department: string;
  satisfied: number;
  visited: number;
  rate: number | null;
}

/** A visit as the list query gives it: in this order, the first three its sort key (responsible, visit time, visit). */
type VisitTuple = [responsibleId: string, visitedAt: string, visitId: string, caseId: string, caseType: string, method: string, satisfied: number, remarks: string, responsibleName: string, visitorId: string];

/**
 * Follow-up visits of the month (repairs and complaints, month of the visit). Every visit counts, including an
 * unsatisfied one on a complaint that was later reopened and then satisfied: each is a row of its own in the
 * satisfaction projection, so a person with one 不满意 visit among three has 2/3, not 3/3.
 *
 * One row per project with its visits as an array of arrays, sorted by person, time and visit (issue 20, P6: a month
 * of 200 projects is ~60 000 visits, and as one object per visit half the answer was the column names, written by chDB
 * and parsed in JavaScript — and, embedded, copied from the projector thread — 60 000 times). The tuple starts with
 * its sort key so that chDB sorts it as it is; the time as text sorts as the instant does (fixed width).
 */
export async function followUpVisits(db: Analytics, filters: KpiFilters): Promise<VisitRow[]> {
  const rows = await db.query<{ project_id: string; visits: VisitTuple[] }>(
    `SELECT v.project_id AS project_id,
        arraySort(groupArray((v.responsible_id, toString(v.visited_at), v.visit_id, v.case_id, v.case_type, v.method, v.satisfied, v.remarks, s.name, v.visitor_id))) AS visits
     FROM {{satisfaction}} AS v FINAL
     LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS s ON s.staff_id = v.responsible_id
     WHERE v.case_type IN ('repair', 'complaint') AND toYYYYMM(v.visited_at, {tz:String}) = {month:UInt32}
       AND ({project:String} = '' OR v.project_id = {project:String}) AND ({department:String} = '' OR v.department = {department:String})
       AND ({staff:String} = '' OR v.responsible_id = {staff:String})
     GROUP BY v.project_id
     ORDER BY project_id`,
    kpiParams(filters),
  );
  const visits: VisitRow[] = [];
  for (const { project_id: projectId, visits: list } of rows) {
    for (const [responsibleId, visitedAt, visitId, caseId, caseType, method, satisfied, remarks, responsibleName, visitorId] of list) {
      visits.push({
        projectId, visitId, caseId, caseType, visitedAt: `${visitedAt.replace(' ', 'T')}Z`, method, satisfied: Number(satisfied) === 1, remarks: remarks ?? '',
        responsibleId: responsibleId ?? '', responsibleName: responsibleName ?? '', visitorId: visitorId ?? '',
      });
    }
  }
  return visits;
}

/** Satisfaction per person (满意率 by the person who answers for the case): satisfied and visited beside the rate. */
export async function satisfactionByPerson(db: Analytics, filters: KpiFilters): Promise<{ people: PersonSatisfaction[]; visits: VisitRow[] }> {
  // Both asked at once: the second is small, and chDB computes it while the visits' rows are parsed.
  const [visits, roles] = await Promise.all([
    followUpVisits(db, filters),
    db.query<{ staff_id: string; role: string; department: string }>('SELECT staff_id, role, department FROM {{staff}} FINAL'),
  ]);
  const staff = new Map(roles.map((s) => [s.staff_id, s]));
  const people = new Map<string, PersonSatisfaction>();
  for (const v of visits) {
    if (!v.responsibleId) continue;
    const k = `${v.projectId}\u0000${v.responsibleId}`;
    const p = people.get(k) ?? {
      projectId: v.projectId, staffId: v.responsibleId, name: v.responsibleName, role: staff.get(v.responsibleId)?.role ?? '',
      department: staff.get(v.responsibleId)?.department ?? '', satisfied: 0, visited: 0, rate: null,
    };
    p.visited += 1;
    if (v.satisfied) p.satisfied += 1;
    p.rate = p.satisfied / p.visited;
    people.set(k, p);
  }
  return { people: [...people.values()].sort((a, b) => a.projectId.localeCompare(b.projectId) || (a.rate ?? 1) - (b.rate ?? 1) || a.staffId.localeCompare(b.staffId)), visits };
}

/** Phone numbers (11 digits from 1) and ID numbers (15–18 digits) in free text, masked as the API masks contacts. */
export function maskFreeText(text: string): string {
  return text
    .replace(/\d{17}[\dXx]|\d{15}/g, (id) => `${id.slice(0, 2)}****${id.slice(-2)}`)
    .replace(/1\d{2}[\s-]?\d{4}[\s-]?\d{4}/g, (p) => {
      const d = p.replace(/\D/g, '');
      return `${d.slice(0, 3)}****${d.slice(-4)}`;
    });
}
