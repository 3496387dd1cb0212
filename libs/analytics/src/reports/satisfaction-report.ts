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

/**
 * Follow-up visits of the month (repairs and complaints, month of the visit). Every visit counts, including an
 * unsatisfied one on a complaint that was later reopened and then satisfied: each is a row of its own in the
 * satisfaction projection, so a person with one 不满意 visit among three has 2/3, not 3/3.
 */
export async function followUpVisits(db: Analytics, filters: KpiFilters): Promise<VisitRow[]> {
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
