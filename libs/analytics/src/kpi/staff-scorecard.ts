import { DEFAULT_WEIGHTS, type ScoreWeights } from '@service-ledger/policies';
import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from './run';

/** The weights are policy (libs/policies): company default, per-project override, versioned. */
export { DEFAULT_WEIGHTS, type ScoreWeights, scoreWeightsSection as scoreWeights } from '@service-ledger/policies';

/** Clock credits whose on-time counts, and when: the first responder's and assessor's in the month of receipt, the
 * handler's in the month of closure, the visitor's in the month of the visit. */
export const ON_TIME_CREDITS = `(credit IN ('first_responder', 'assessor') OR (credit IN ('handler', 'visitor') AND closed_at IS NOT NULL))`;
export const CREDITED_AT = `if(credit IN ('handler', 'visitor'), closed_at, received_at)`;

export interface StaffScore {
  projectId: string;
  staffId: string;
  name: string;
  role: string;
  department: string;
  firstResponderJobs: number;
  handled: number;
  onTime: number;
  onTimeBase: number;
  onTimeRate: number | null;
  satisfied: number;
  visited: number;
  satisfactionRate: number | null;
  reworks: number;
  score: number;
  rank: number;
}

/**
 * Staff scorecard per project and month. Credits follow 首问负责制: jobs received as first responder (month of
 * receipt); jobs handled as handler or technician (month of closure) with their satisfaction; reworks attributed to
 * the original technician (month the rework was reported). On-time counts each clock for the person who answers for
 * it (first reply: first responder; promised reply: responsible handler; arrival and fix: technician; assessment:
 * assessor; follow-up visit: visitor), in the month of that credit. Weights: the project's policy in force at the
 * end of the month (`weightsOf`), else the defaults.
 * score = onTime × on-time rate + satisfaction × satisfaction rate + volume × handled ÷ most handled in the project
 *         − reworkPenalty × reworks, floored at 0; a missing rate counts as 1 (nothing to hold against the person).
 */
export async function staffScorecard(db: Analytics, filters: KpiFilters, weightsOf: (projectId: string) => ScoreWeights = () => DEFAULT_WEIGHTS): Promise<StaffScore[]> {
  const rows = await db.query<Record<string, string | number>>(
    `SELECT p.project_id AS project_id, p.staff_id AS staff_id, any(s.name) AS name, any(s.role) AS role, any(s.department) AS department,
       countIf(credit = 'first_responder' AND toYYYYMM(received_at, {tz:String}) = {month:UInt32}) AS n_first_responder_jobs,
       countIf(credit = 'handler' AND closed_at IS NOT NULL AND toYYYYMM(closed_at, {tz:String}) = {month:UInt32}) AS n_handled,
       countIf(${ON_TIME_CREDITS} AND toYYYYMM(${CREDITED_AT}, {tz:String}) = {month:UInt32} AND on_time = 1) AS n_on_time,
       countIf(${ON_TIME_CREDITS} AND toYYYYMM(${CREDITED_AT}, {tz:String}) = {month:UInt32} AND on_time IS NOT NULL) AS n_on_time_base,
       countIf(credit = 'handler' AND closed_at IS NOT NULL AND toYYYYMM(closed_at, {tz:String}) = {month:UInt32} AND satisfied = 1) AS n_satisfied,
       countIf(credit = 'handler' AND closed_at IS NOT NULL AND toYYYYMM(closed_at, {tz:String}) = {month:UInt32} AND satisfied IS NOT NULL) AS n_visited,
       countIf(credit = 'rework_attributed' AND toYYYYMM(received_at, {tz:String}) = {month:UInt32}) AS n_reworks
     FROM {{staff_performance}} AS p FINAL
     LEFT JOIN (SELECT * FROM {{staff}} FINAL) AS s ON s.staff_id = p.staff_id
     WHERE ({project:String} = '' OR p.project_id = {project:String})
       AND ({staff:String} = '' OR p.staff_id = {staff:String})
       AND ({department:String} = '' OR s.department = {department:String})
     GROUP BY p.project_id, p.staff_id
     HAVING n_first_responder_jobs + n_handled + n_reworks > 0
     ORDER BY p.project_id, p.staff_id`,
    kpiParams(filters),
  );
  const scores: StaffScore[] = rows.map((r) => {
    const n = (k: string) => Number(r[`n_${k}`]);
    return {
      projectId: String(r.project_id), staffId: String(r.staff_id), name: String(r.name ?? ''), role: String(r.role ?? ''), department: String(r.department ?? ''),
      firstResponderJobs: n('first_responder_jobs'), handled: n('handled'), onTime: n('on_time'), onTimeBase: n('on_time_base'),
      onTimeRate: n('on_time_base') ? n('on_time') / n('on_time_base') : null, satisfied: n('satisfied'), visited: n('visited'),
      satisfactionRate: n('visited') ? n('satisfied') / n('visited') : null, reworks: n('reworks'), score: 0, rank: 0,
    };
  });
  const byProject = new Map<string, StaffScore[]>();
  for (const s of scores) byProject.set(s.projectId, [...(byProject.get(s.projectId) ?? []), s]);
  for (const [projectId, group] of byProject) {
    const weights = weightsOf(projectId);
    const most = Math.max(1, ...group.map((s) => s.handled));
    for (const s of group) {
      const raw = weights.onTime * (s.onTimeRate ?? 1) + weights.satisfaction * (s.satisfactionRate ?? 1) + weights.volume * (s.handled / most) - weights.reworkPenalty * s.reworks;
      s.score = Math.round(Math.max(0, raw) * 100) / 100;
    }
    group.sort((a, b) => b.score - a.score || b.handled - a.handled || a.staffId.localeCompare(b.staffId));
    group.forEach((s, i) => (s.rank = i > 0 && s.score === group[i - 1].score ? group[i - 1].rank : i + 1));
  }
  return [...byProject.values()].flat();
}
