import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from '../kpi/run';
import { clockStatusNow } from '../kpi/builder';

/** One SLA clock decided in the month (met, breached, or still running past its deadline). */
export interface DecidedClock {
  projectId: string;
  caseId: string;
  /** Readable case number ('' for cases opened before numbering). */
  caseNumber: string;
  caseType: string;
  clock: string;
  /** Repair category (urgent/general) for repair clocks, complaint nature for complaint clocks. */
  category: string;
  building: string;
  responsibleId: string;
  responsibleName: string;
  /** The responsible person's department; the case's department when nobody answers for the clock. */
  department: string;
  openedAt: string;
  deadline: string;
  metAt: string | null;
  breached: boolean;
  /** Still running past its deadline when the report was built. */
  open: boolean;
  /** Seconds over the deadline; an open breach counts up to now, capped at the month's end. */
  overSeconds: number;
}

export interface BreachGroup {
  dimension: BreachDimension | 'project';
  key: string;
  /** Display name for person keys (staff name), else empty. */
  name: string;
  decided: number;
  breaches: number;
  /** breaches ÷ decided. */
  rate: number | null;
  avgHoursOver: number | null;
  maxHoursOver: number | null;
}

export const BREACH_DIMENSIONS = ['person', 'department', 'clock', 'category', 'building'] as const;
export type BreachDimension = (typeof BREACH_DIMENSIONS)[number];

export interface BreachReport {
  /** Every breach of the month, oldest deadline first. */
  breaches: DecidedClock[];
  /** Totals per project (dimension 'project') and per dimension value within each project. */
  groups: (BreachGroup & { projectId: string })[];
}

/** "Breached now" on the clock table: the one rule of `clockStatusNow` (a paused clock is not breached while paused). */
const CLOCK_NOW = clockStatusNow({ status: 'c.status', deadline: 'c.deadline', paused: 'c.paused' });

/**
 * The month of a clock is the month of its deadline (local time). A clock counts as decided once met, breached, or
 * running past its deadline (breached now); cancelled clocks and those still inside their limit are not counted.
 */
export async function decidedClocks(db: Analytics, filters: KpiFilters): Promise<DecidedClock[]> {
  const rows = await db.query<Record<string, string | number | null>>(
    `SELECT c.project_id AS project_id, c.case_id AS case_id, c.case_number AS case_number, c.case_type AS case_type, c.clock AS clock, c.category AS category,
        cs.building AS building, c.responsible_id AS responsible_id, s.name AS responsible_name,
        if(s.department != '', s.department, cs.department) AS department, toString(cs.opened_at) AS opened_at,
        toString(c.deadline) AS deadline, if(c.met_at IS NULL, NULL, toString(c.met_at)) AS met_at,
        ${CLOCK_NOW} = 'breached' AS breached,
        c.status = 'running' AS open,
        if(c.status = 'running',
           greatest(0, dateDiff('second', c.deadline, least(now64(3), toDateTime64(addMonths(toStartOfMonth(toDate(concat(toString({month:UInt32}), '01'))), 1), 3, {tz:String})))),
           c.breach_seconds) AS over_seconds
     FROM {{sla_clocks}} AS c FINAL
     LEFT JOIN (SELECT case_id, building, department, opened_at FROM {{cases}} FINAL) AS cs ON cs.case_id = c.case_id
     LEFT JOIN (SELECT staff_id, name, department FROM {{staff}} FINAL) AS s ON s.staff_id = c.responsible_id
     WHERE toYYYYMM(c.deadline, {tz:String}) = {month:UInt32} AND ({project:String} = '' OR c.project_id = {project:String})
       AND ({staff:String} = '' OR c.responsible_id = {staff:String})
       AND ${CLOCK_NOW} IN ('met', 'breached')
     ORDER BY c.project_id, c.deadline, c.case_id, c.clock`,
    kpiParams(filters),
  );
  const utc = (s: string | number | null) => (s === null ? null : `${String(s).replace(' ', 'T')}Z`);
  return rows
    .map((r) => ({
      projectId: String(r.project_id), caseId: String(r.case_id), caseNumber: String(r.case_number ?? ''), caseType: String(r.case_type), clock: String(r.clock), category: String(r.category ?? ''),
      building: String(r.building ?? ''), responsibleId: String(r.responsible_id ?? ''), responsibleName: String(r.responsible_name ?? ''),
      department: String(r.department ?? ''), openedAt: utc(r.opened_at)!, deadline: utc(r.deadline)!, metAt: utc(r.met_at),
      breached: Number(r.breached) === 1, open: Number(r.open) === 1, overSeconds: Number(r.over_seconds),
    }))
    .filter((c) => !filters.department || c.department === filters.department);
}

const KEY: Record<BreachDimension, (c: DecidedClock) => string> = {
  person: (c) => c.responsibleId,
  department: (c) => c.department,
  clock: (c) => c.clock,
  category: (c) => (c.caseType === 'repair' ? c.category : ''),
  building: (c) => c.building,
};

/** Aggregates decided clocks into breach count, breach %, average and maximum time over (hours, 2 decimals). */
export function groupBreaches(clocks: DecidedClock[], dimension: BreachDimension | 'project'): BreachGroup[] {
  const key = dimension === 'project' ? (c: DecidedClock) => c.projectId : KEY[dimension];
  const groups = new Map<string, DecidedClock[]>();
  for (const c of clocks) {
    const k = key(c);
    if (k === '') continue; // a clock nobody answers for, a non-repair clock for categories, a case without a building
    const group = groups.get(k);
    if (group) group.push(c);
    else groups.set(k, [c]);
  }
  const hours = (s: number) => Math.round((s / 3600) * 100) / 100;
  return [...groups.entries()]
    .map(([k, cs]) => {
      const over = cs.filter((c) => c.breached).map((c) => c.overSeconds);
      return {
        dimension, key: k, name: dimension === 'person' ? cs[0].responsibleName : '', decided: cs.length, breaches: over.length,
        rate: cs.length ? over.length / cs.length : null,
        avgHoursOver: over.length ? hours(over.reduce((a, b) => a + b, 0) / over.length) : null,
        maxHoursOver: over.length ? hours(Math.max(...over)) : null,
      };
    })
    .sort((a, b) => b.breaches - a.breaches || (b.rate ?? 0) - (a.rate ?? 0) || a.key.localeCompare(b.key));
}

/** The breach report (超时分析) of a month: the list and the aggregates by project and each dimension. */
export async function breachReport(db: Analytics, filters: KpiFilters): Promise<BreachReport> {
  const clocks = await decidedClocks(db, filters);
  // One pass: a month of 200 projects is ~100 000 decided clocks, and a filter per project read them all each time.
  const byProject = new Map<string, DecidedClock[]>();
  for (const c of clocks) {
    const mine = byProject.get(c.projectId);
    if (mine) mine.push(c);
    else byProject.set(c.projectId, [c]);
  }
  const groups: BreachReport['groups'] = [];
  for (const p of [...byProject.keys()].sort()) {
    const mine = byProject.get(p)!;
    groups.push(...groupBreaches(mine, 'project').map((g) => ({ ...g, projectId: p })));
    for (const d of BREACH_DIMENSIONS) groups.push(...groupBreaches(mine, d).map((g) => ({ ...g, projectId: p })));
  }
  return { breaches: clocks.filter((c) => c.breached), groups };
}
