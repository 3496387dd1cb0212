import { AGGREGATE_TIME_ZONE } from '../aggregate-common';

/**
 * The one KPI SQL builder. A KPI is data (`KpiQuery`: source table, fixed conditions, the columns each filter
 * applies to, the column that puts a row in a month, and what the numerator and the denominator count); every SQL
 * text that computes it is rendered here from those parts: the KPI run for one month, the grouped pass over all
 * projects (monthly export), the drill-down to case ids, and — through the dashboards' dialect — the panels.
 * `service-ledger kpi sql <id>` prints what it renders.
 */

/** Which rows one side of the fraction counts. */
export type KpiMeasure =
  /** Rows meeting a condition (`true`: every row). */
  | { count: string | true; window?: MonthWindow }
  /** Every row except those meeting a condition (e.g. complaints minus those not replied to in time). */
  | { countExcept: string; window?: MonthWindow }
  /** The sum of an expression (an amount in fen). */
  | { sum: string; window?: MonthWindow };

/** A month condition of its own for one side (e.g. the rework rate's three-month warranty window). */
export interface MonthWindow {
  column: string;
  /** Months ending with the KPI's month (1 = the month itself). */
  months: number;
}

export interface KpiQuery {
  /** `event_facts`: the few event types counted straight from the log, sorted by project and time (schema.ts). */
  source: 'cases' | 'satisfaction' | 'event_facts';
  /** Fixed conditions, ANDed (no parameters). */
  where: string[];
  /** The columns the common filters apply to; a filter without a column does not narrow this KPI. */
  filters: { project: string; department?: string; staff: string[] };
  /** The column whose month the KPI counts a row in (its "month of"); absent when each side has its own window. */
  month?: string;
  numerator: KpiMeasure;
  denominator: KpiMeasure;
}

/**
 * How filters and months are written: as ClickHouse query parameters (the API, exports and CLI), or in the
 * dashboards' template language. A dialect that cannot express something throws (`null` result).
 */
export interface KpiDialect {
  name: string;
  inMonth(column: string): string;
  /**
   * A monthly aggregate's rows (`monthColumn`: a month's first day in AGGREGATE_TIME_ZONE) for the months the request
   * covers wholly, when it is asked in that zone (else none). With `outsideWholeMonths` on the aggregate's source, the
   * request's rows exactly, read mostly from the aggregate.
   */
  wholeMonths(monthColumn: string): string;
  /** Source rows whose `column` is in the request's month or range but in none of the months of `wholeMonths`. */
  outsideWholeMonths(column: string): string;
  /** The trailing window of `months` months ending with the KPI's month; null when the dialect has no month. */
  inMonths(column: string, months: number): string | null;
  project(column: string): string;
  department(column: string): string;
  /** The person filter against one or several columns. */
  staff(columns: string[]): string;
  timeZone: string;
}

/** The KPI run, export and drill-down: `{month:UInt32}` (YYYYMM), `{project}`, `{department}`, `{staff}` ('' = all), `{tz}`. */
export const PARAMETERS: KpiDialect = {
  name: 'query parameters',
  inMonth: (column) => `toYYYYMM(${column}, {tz:String}) = {month:UInt32}`,
  // The month is whole: from the aggregate in its zone, from the source in any other (a constant false reads nothing).
  wholeMonths: (monthColumn) => `({tz:String} = '${AGGREGATE_TIME_ZONE}' AND toYYYYMM(${monthColumn}) = {month:UInt32})`,
  outsideWholeMonths: (column) => `({tz:String} != '${AGGREGATE_TIME_ZONE}' AND toYYYYMM(${column}, {tz:String}) = {month:UInt32})`,
  inMonths: (column, months) =>
    months === 1
      ? `toYYYYMM(${column}, {tz:String}) = {month:UInt32}`
      : `toYYYYMM(${column}, {tz:String}) BETWEEN toYYYYMM(addMonths(toDate(concat(toString({month:UInt32}), '01')), -${months - 1})) AND {month:UInt32}`,
  project: (column) => `({project:String} = '' OR ${column} = {project:String})`,
  department: (column) => `({department:String} = '' OR ${column} = {department:String})`,
  staff: (columns) => (columns.length === 1 ? `({staff:String} = '' OR ${columns[0]} = {staff:String})` : `({staff:String} = '' OR {staff:String} IN (${columns.join(', ')}))`),
  timeZone: '{tz:String}',
};

/** The shapes a KPI is rendered in. */
export type KpiShape =
  /** One row (numerator, denominator). */
  | { kind: 'figures' }
  /** One row per project plus the row of all of them (`company` = 1), in one pass. */
  | { kind: 'by project' }
  /** The case ids each side counts (the drill-down behind a figure). */
  | { kind: 'case ids' }
  /** (numerator, denominator) per group of extra key columns, `[alias, expression]`. */
  | { kind: 'grouped'; keys: [string, string][] };

function aggregate(m: KpiMeasure, dialect: KpiDialect, id: string): string {
  const window = m.window ? windowCondition(m.window, dialect, id) : null;
  const and = (condition: string) => (window ? `(${condition}) AND ${window}` : condition);
  if ('sum' in m) return window ? `sumIf(${m.sum}, ${window})` : `sum(${m.sum})`;
  if ('countExcept' in m) return window ? `countIf(${window}) - countIf(${and(m.countExcept)})` : `count() - countIf(${m.countExcept})`;
  if (m.count === true) return window ? `countIf(${window})` : 'count()';
  return `countIf(${and(m.count)})`;
}

/** The drill-down lists the rows a side counts; a sum lists the rows summed. */
function caseIds(m: KpiMeasure, dialect: KpiDialect, id: string): string {
  const window = m.window ? windowCondition(m.window, dialect, id) : null;
  const conditions = [
    ...('count' in m && m.count !== true ? [m.count] : []),
    // A row whose condition is NULL is not subtracted by count() - countIf(), so it is listed.
    ...('countExcept' in m ? [`NOT ifNull(${m.countExcept}, 0)`] : []),
    ...(window ? [window] : []),
  ];
  return conditions.length ? `groupArrayIf(case_id, ${conditions.map((c) => `(${c})`).join(' AND ')})` : 'groupArray(case_id)';
}

function windowCondition(w: MonthWindow, dialect: KpiDialect, id: string): string {
  const sql = dialect.inMonths(w.column, w.months);
  if (sql === null) throw new Error(`KPI '${id}' counts a ${w.months}-month window on ${w.column}: it cannot be rendered in ${dialect.name}`);
  return sql;
}

/** The WHERE conditions: fixed ones, the filters, the month. */
export function kpiConditions(id: string, q: KpiQuery, dialect: KpiDialect): string[] {
  return [
    ...q.where,
    dialect.project(q.filters.project),
    ...(q.filters.department ? [dialect.department(q.filters.department)] : []),
    dialect.staff(q.filters.staff),
    ...(q.month ? [dialect.inMonth(q.month)] : []),
  ];
}

/** The SQL of one KPI in one shape and dialect. */
export function renderKpi(id: string, q: KpiQuery, shape: KpiShape = { kind: 'figures' }, dialect: KpiDialect = PARAMETERS): string {
  const from = `FROM {{${q.source}}} FINAL WHERE ${kpiConditions(id, q, dialect).join(' AND ')}`;
  const figures =
    shape.kind === 'case ids'
      ? `${caseIds(q.numerator, dialect, id)} AS numerator, ${caseIds(q.denominator, dialect, id)} AS denominator`
      : `${aggregate(q.numerator, dialect, id)} AS numerator, ${aggregate(q.denominator, dialect, id)} AS denominator`;
  switch (shape.kind) {
    case 'figures':
    case 'case ids':
      return `SELECT ${figures} ${from}`;
    case 'by project':
      return `SELECT ${q.filters.project} AS project_id, grouping(${q.filters.project}) AS company, ${figures} ${from} GROUP BY GROUPING SETS ((${q.filters.project}), ())`;
    case 'grouped':
      return `SELECT ${shape.keys.map(([alias, expr]) => `${expr} AS ${alias}`).join(', ')}, ${figures} ${from} GROUP BY ${shape.keys.map(([alias]) => alias).join(', ')}`;
  }
}

/** One side of a KPI's fraction counted only over the rows that meet `only` (the KPI's own conditions in a shared scan). */
export function measureWithin(m: KpiMeasure, only: string, id: string): string {
  if (m.window) throw new Error(`KPI '${id}' counts a window of its own and cannot share a scan`);
  if ('sum' in m) return `sumIf(${m.sum}, ${only})`;
  if ('countExcept' in m) return `countIf(${only}) - countIf((${only}) AND (${m.countExcept}))`;
  return m.count === true ? `countIf(${only})` : `countIf((${only}) AND (${m.count}))`;
}

/** The fixed conditions a KPI has beyond those every KPI of its scan shares ('1' when none). */
export function ownConditions(q: KpiQuery, shared: string[]): string {
  const own = q.where.filter((c) => !shared.includes(c));
  return own.length ? own.map((c) => `(${c})`).join(' AND ') : '1';
}

/**
 * Several KPIs reading the same table with the same filters and month column, per project plus the row of all of
 * them (`company` = 1) in one scan: `numerator_<i>`, `denominator_<i>` for the i-th KPI, each equal to its own
 * 'by project' rendering (a project with no row of a KPI gets 0 and 0, as no row reads).
 */
export function renderKpisByProject(kpis: { id: string; query: KpiQuery }[], dialect: KpiDialect = PARAMETERS): string {
  const [first] = kpis;
  const shared = first.query.where.filter((c) => kpis.every((k) => k.query.where.includes(c)));
  const where = kpiConditions(first.id, { ...first.query, where: shared }, dialect);
  const columns = kpis.map((k, i) => {
    const only = ownConditions(k.query, shared);
    return `${measureWithin(k.query.numerator, only, k.id)} AS numerator_${i}, ${measureWithin(k.query.denominator, only, k.id)} AS denominator_${i}`;
  });
  const project = first.query.filters.project;
  return `SELECT ${project} AS project_id, grouping(${project}) AS company, ${columns.join(', ')}
    FROM {{${first.query.source}}} FINAL WHERE ${where.join(' AND ')} GROUP BY GROUPING SETS ((${project}), ())`;
}

/**
 * A clock's status now: libs/sla's rule (`settle`) in SQL, the one definition of "breached now" that the KPIs (on the
 * case table), the panels and the breach report (on the clock table) use. The projection stores each clock as of its
 * case's last event (so that a replay is exact); a clock still running past its deadline is breached now, unless it
 * is paused — from the instant of the pause, its deadline moves by the paused time (docs/domain.md). The clock table
 * has the `paused` flag; the case table writes a paused clock's `<clock>_deadline` as NULL (case-rows.ts), so the
 * same expression needs no flag there.
 */
/**
 * A clock still open on the clock table, and not paused: the clocks the "now" panels, the worklist and the notifier
 * watch. An open clock is stored running whatever its deadline (`storedStatus`, case-rows.ts); `clockStatusNow`
 * says whether it is breached now. `status` leads so that the clock table's set index skips settled granules.
 */
export const OPEN_CLOCK = "status = 'running' AND paused = 0";

export function clockStatusNow(columns: { status: string; deadline: string; paused?: string; now?: string }): string {
  const paused = columns.paused ? ` AND ${columns.paused} = 0` : '';
  return `if(${columns.status} = 'running'${paused} AND ${columns.deadline} IS NOT NULL AND ${columns.deadline} < ${columns.now ?? 'now64(3)'}, 'breached', ${columns.status})`;
}
