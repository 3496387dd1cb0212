import type { Analytics } from '../client';
import { clockStatusNow } from '../kpi/builder';
import { type KpiFilters, kpiParams } from '../kpi/run';

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

/** One instant for every query of a report: the list and the totals are two queries, and must agree. */
const NOW = '{now:DateTime64(3)}';
/** "Breached now" on the clock table, the one rule of `clockStatusNow` (a paused clock is not breached while paused). */
const CLOCK_NOW = clockStatusNow({ status: 'c.status', deadline: 'c.deadline', paused: 'c.paused', now: NOW });

/**
 * The month of a clock is the month of its deadline (local time). A clock counts as decided once met, breached, or
 * running past its deadline (breached now); cancelled clocks and those still inside their limit are not counted.
 * Both branches of over_seconds are Int64 so chDB can sum them (otherwise their common type is a Variant).
 *
 * Both tables are read FINAL only where the month's clocks are (issue 20, P6): the deadline's skip index picks their
 * granules, but under FINAL ClickHouse widens that to every granule whose sorting-key range meets them
 * (`PrimaryKeyExpand`), and with keys led by the project that was every clock of every month; the cases were read
 * whole for the join. So the sorting keys of the clocks due in the month, from any stored version of them (without
 * FINAL: a superset, since the version kept is one of them), select the clocks' and their cases' granules by key,
 * and the deadline is tested again on the version kept. A clock carries its case's type and opening (the instant
 * both tables are placed by, schema.ts migration 5), so its key leads to its case's.
 *
 * Both tables are selected by the same list, the cases' keys (`CASES_DUE_IN_MONTH`): identical subqueries make one set,
 * so the clocks due in the month are read once for it, not once per table (issue 20, P6: at 11.4 M events the second
 * read and set were ≈ 0.3 s of the report's ≈ 2.2 s CPU, median of 6 alternated rounds, the same rows). On the clocks
 * the case's key leaves out which of its clocks: the case's other clocks are in the same granules (the clock ends the
 * key), and the deadline test drops them.
 */
const CASES_DUE_IN_MONTH = `SELECT project_id, case_type, opened_at, case_id FROM {{sla_clocks}}
       WHERE toYYYYMM(deadline, {tz:String}) = {month:UInt32} AND ({project:String} = '' OR project_id = {project:String})`;
const DECIDED = `SELECT c.project_id AS project_id, c.case_id AS case_id, c.case_number AS case_number, c.case_type AS case_type, c.clock AS clock, c.category AS category,
        cs.building AS building, c.responsible_id AS responsible_id, s.name AS responsible_name,
        if(s.department != '', s.department, cs.department) AS department, c.opened_at AS opened_time,
        c.deadline AS deadline_at, c.met_at AS met_time,
        ${CLOCK_NOW} = 'breached' AS breached,
        c.status = 'running' AS open,
        if(c.status = 'running',
           greatest(0, dateDiff('second', c.deadline, least(${NOW}, toDateTime64(addMonths(toStartOfMonth(toDate(concat(toString({month:UInt32}), '01'))), 1), 3, {tz:String})))),
           toInt64(c.breach_seconds)) AS over_seconds
     FROM {{sla_clocks}} AS c FINAL
     LEFT JOIN (SELECT case_id, building, department FROM {{cases}} FINAL
       WHERE (project_id, case_type, opened_at, case_id) IN (${CASES_DUE_IN_MONTH})) AS cs ON cs.case_id = c.case_id
     LEFT JOIN (SELECT staff_id, name, department FROM {{staff}} FINAL) AS s ON s.staff_id = c.responsible_id
     WHERE (c.project_id, c.case_type, c.opened_at, c.case_id) IN (${CASES_DUE_IN_MONTH})
       AND toYYYYMM(c.deadline, {tz:String}) = {month:UInt32} AND ({project:String} = '' OR c.project_id = {project:String})
       AND ({staff:String} = '' OR c.responsible_id = {staff:String})
       AND ${CLOCK_NOW} IN ('met', 'breached')`;

/**
 * The clocks' joins to their cases and to the staff as one hash table each, built on one thread (issue 20, P6): chDB's
 * default (`direct,parallel_hash,hash`) took `parallel_hash`, whose per-thread tables cost more CPU than they saved
 * in time on two cores — at 11.4 M events the report's query 754 → 519 ms of CPU (median of 3 alternated rounds, the
 * same rows; with the positional list below, the whole report 968 → 722 ms, median of 5 alternated, the same answer).
 * How the join is computed, not what it answers: a LEFT JOIN on the same keys.
 */
const JOIN_SETTINGS = "SETTINGS join_algorithm = 'hash'";

/** The department filter applies to the clock's department (the responsible person's, else the case's). */
const IN_DEPARTMENT = "({department:String} = '' OR department = {department:String})";

const chNow = (now: Date) => now.toISOString().replace('T', ' ').replace('Z', '');

/** The list's columns, in this order: the breached clocks of a project travel as one array of these (breachReport). */
const CLOCK_COLUMNS = [
  'case_id', 'case_number', 'case_type', 'clock', 'category', 'building', 'responsible_id', 'responsible_name', 'department',
  'toString(opened_time) AS opened_at', 'toString(deadline_at) AS deadline', 'if(met_time IS NULL, NULL, toString(met_time)) AS met_at', 'breached', 'open', 'over_seconds',
] as const;
const utc = (s: string | number | null) => (s === null ? null : `${String(s).replace(' ', 'T')}Z`);
/** Each list column's name: what decidedClocks' rows call it. */
const CLOCK_NAMES = CLOCK_COLUMNS.map((c) => c.replace(/^.* AS /, ''));
/** Each list column's expression (the array entry of breachReport has no names: its columns are placed by position). */
const CLOCK_EXPRESSIONS = CLOCK_COLUMNS.map((c) => c.replace(/ AS .*$/, ''));
type ClockKeys = Record<string, string | number>;
/** decidedClocks reads its rows' columns by name. */
const BY_NAME: ClockKeys = Object.fromEntries(CLOCK_NAMES.map((name) => [name, name]));
/** breachReport reads an array entry by position: each column after its sort key (deadline, case, clock). */
const BY_POSITION: ClockKeys = Object.fromEntries(CLOCK_NAMES.map((name, i) => [name, i + 3]));
/**
 * A listed clock as a DecidedClock, its columns found by `at` — names in a row of decidedClocks, positions in an array
 * entry of breachReport (issue 20, P6: an object of names made per breached clock only to be read once cost ≈ 55 ms for
 * the 19 400 breaches at 11.4 M events, reading the array by position ≈ 21 ms).
 */
type ClockValue = string | number | null;
const toDecidedClock = (projectId: string, row: Record<string, ClockValue> | ClockValue[], at: ClockKeys): DecidedClock => {
  // A row by name or an array by position: either way a column is one indexed read.
  const r = row as Record<string | number, ClockValue>;
  return {
    projectId, caseId: String(r[at.case_id]), caseNumber: String(r[at.case_number] ?? ''), caseType: String(r[at.case_type]), clock: String(r[at.clock]),
    category: String(r[at.category] ?? ''), building: String(r[at.building] ?? ''), responsibleId: String(r[at.responsible_id] ?? ''),
    responsibleName: String(r[at.responsible_name] ?? ''), department: String(r[at.department] ?? ''), openedAt: utc(r[at.opened_at])!,
    deadline: utc(r[at.deadline])!, metAt: utc(r[at.met_at]), breached: Number(r[at.breached]) === 1, open: Number(r[at.open]) === 1,
    overSeconds: Number(r[at.over_seconds]),
  };
};

/** The month's decided clocks as of `now`, or only the breached ones. */
export async function decidedClocks(db: Analytics, filters: KpiFilters, now = new Date(), only: 'decided' | 'breached' = 'decided'): Promise<DecidedClock[]> {
  const rows = await db.query<Record<string, ClockValue>>(
    `SELECT project_id, ${CLOCK_COLUMNS.join(', ')}
     FROM (${DECIDED})
     WHERE ${IN_DEPARTMENT}${only === 'breached' ? ' AND breached' : ''}
     ORDER BY project_id, deadline_at, case_id, clock
     ${JOIN_SETTINGS}`,
    { ...kpiParams(filters), now: chNow(now) },
  );
  return rows.map((r) => toDecidedClock(String(r.project_id), r, BY_NAME));
}

/**
 * The breach report (超时分析) of a month, as of one `now`: every breach, oldest deadline first, and breach count,
 * breach %, average and maximum time over (hours, 2 decimals) per project and per dimension value within each project.
 *
 * One read of the clocks for both (issue 20, P6): the decided clocks are grouped by project and by each dimension in
 * chDB (a month of 200 projects is ~100 000 decided clocks, and fetching them all only to count them cost more than
 * the rest of the report), and each project's row carries that project's breached clocks, sorted as the list is
 * (deadline, case, clock: unique, so the order is total). Reading the list apart scanned the clock and case tables a
 * second time. A breached clock's list entry is made once, as an array of one (empty for the others), before each
 * clock is repeated per dimension: built inside the grouping, it was made six times and cost more than the second
 * read. A clock nobody answers for, a non-repair clock for categories and a case without a building count in no group
 * of that dimension; every breached clock is in the list.
 */
export async function breachReport(db: Analytics, filters: KpiFilters, now = new Date()): Promise<BreachReport> {
  const rows = await db.query<{ project_id: string; dimension: BreachGroup['dimension']; key: string; name: string; decided: string | number; breaches: string | number; over_sum: string | number; over_max: string | number; clocks: ClockValue[][] }>(
    `SELECT project_id, dk.1 AS dimension, dk.2 AS key, if(dimension = 'person', any(responsible_name), '') AS name, count() AS decided,
        countIf(breached) AS breaches, sumIf(over_seconds, breached) AS over_sum, maxIf(over_seconds, breached) AS over_max,
        arraySort(groupArrayArrayIf(listed, dimension = 'project')) AS clocks
     FROM (SELECT *, if(breached, [(deadline_at, case_id, clock, ${CLOCK_EXPRESSIONS.join(', ')})], []) AS listed FROM (${DECIDED}))
     ARRAY JOIN [('project', project_id), ('person', ifNull(responsible_id, '')), ('department', ifNull(department, '')), ('clock', clock),
       ('category', if(case_type = 'repair', ifNull(category, ''), '')), ('building', ifNull(building, ''))] AS dk
     WHERE (dk.2 != '' OR dimension = 'project') AND ${IN_DEPARTMENT}
     GROUP BY project_id, dimension, key
     ORDER BY project_id, dimension, key
     ${JOIN_SETTINGS}`,
    { ...kpiParams(filters), now: chNow(now) },
  );
  const hours = (s: number) => Math.round((s / 3600) * 100) / 100;
  const breaches: DecidedClock[] = [];
  const groups = new Map<string, BreachReport['groups']>();
  for (const r of rows) {
    // The project rows come in the list's project order (ORDER BY project_id), each with its clocks sorted; the other
    // rows are sorted below, so chDB orders them by their group key alone (issue 20, P6: ordering them by each
    // group's earliest clock, a tuple of three kept per group, was about a quarter of the report's CPU).
    if (r.dimension === 'project') {
      for (const c of r.clocks) breaches.push(toDecidedClock(r.project_id, c, BY_POSITION));
    }
    if (r.key === '') continue; // kept for its breached clocks only (a project id is never empty)
    const decided = Number(r.decided);
    const count = Number(r.breaches);
    const group = {
      dimension: r.dimension, key: r.key, name: r.name, decided, breaches: count, rate: decided ? count / decided : null,
      avgHoursOver: count ? hours(Number(r.over_sum) / count) : null, maxHoursOver: count ? hours(Number(r.over_max)) : null, projectId: r.project_id,
    };
    const id = `${r.project_id}\u0000${r.dimension}`;
    const list = groups.get(id);
    if (list) list.push(group);
    else groups.set(id, [group]);
  }
  const projects = [...new Set(rows.filter((r) => r.key !== '').map((r) => r.project_id))].sort();
  const byBreaches = (a: BreachGroup, b: BreachGroup) => b.breaches - a.breaches || (b.rate ?? 0) - (a.rate ?? 0) || a.key.localeCompare(b.key);
  return { breaches, groups: projects.flatMap((p) => (['project', ...BREACH_DIMENSIONS] as const).flatMap((d) => (groups.get(`${p}\u0000${d}`) ?? []).sort(byBreaches))) };
}
