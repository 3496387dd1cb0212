import { type Aggregate, AGGREGATE_TIME_ZONE, AGGREGATES, clockCondition, type KpiDialect, type KpiDefinition, type KpiMeasure, type KpiShape, kpiConditions, KPIS, LIVE_AGGREGATE_ROWS, measureWithin, NOW, ownConditions, renderKpi } from '@service-ledger/analytics';

/**
 * Panels that show a KPI render it from the KPI's own definition in libs/analytics (the one the monthly exports and
 * HR use) with the same builder, in the catalogue's template language: the KPI's month becomes the dashboard's time
 * range on the same column (the KPI's "time it falls in") and its filters become the catalogue's filter macros. So
 * a dashboard figure for a month equals the exported figure for that month.
 */
export const PANEL_DIALECT: KpiDialect = {
  name: 'the dashboards’ template language (a time range, not a month)',
  inMonth: (column) => `$TIME(${column})`,
  wholeMonths: (monthColumn) => `$WHOLE_MONTHS(${monthColumn})`,
  outsideWholeMonths: (column) => `$TIME_OUTSIDE_WHOLE_MONTHS(${column})`,
  inMonths: (column, months) => (months === 1 ? `$TIME(${column})` : null),
  project: (column) => `$PROJECT(${column})`,
  department: (column) => `$DEPARTMENT(${column})`,
  staff: (columns) => (columns.length === 1 ? `$STAFF(${columns[0]})` : `$STAFF_IN(${columns.join(', ')})`),
  timeZone: '$TZ',
};

export function kpiDefinition(id: string): KpiDefinition {
  const kpi = KPIS.find((k) => k.id === id);
  if (!kpi) throw new Error(`unknown KPI '${id}' in the panel catalogue`);
  return kpi;
}

/** The KPI's SQL in the catalogue's template language; fails loudly when a KPI cannot be cut by a time range. */
export function kpiTemplate(id: string): string {
  const kpi = kpiDefinition(id);
  return renderKpiTemplate(kpi, { kind: 'figures' });
}

function renderKpiTemplate(kpi: KpiDefinition, shape: KpiShape): string {
  try {
    return renderKpi(kpi.id, kpi.query, shape, PANEL_DIALECT);
  } catch (error) {
    throw new Error(`KPI '${kpi.id}' cannot be shown over a time range: ${(error as Error).message}`);
  }
}

/** numerator/denominator → the figure shown: a rate (4 decimals), a count, or an amount in yuan (stored in fen). */
function figure(kind: KpiDefinition['kind']): string {
  if (kind === 'rate') return 'if(denominator = 0, NULL, round(numerator / denominator, 4))';
  return kind === 'amount' ? 'round(numerator / 100, 2)' : 'numerator';
}

/**
 * One number for the whole range: `kpiGroupedSql` without a grouping. A KPI that a monthly aggregate sums reads the
 * months the range covers wholly from it and the rest from its source; the others read their source.
 */
export function kpiValueSql(id: string): string {
  return kpiGroupedSql(id, {});
}

export interface KpiGrouping {
  /** Group by the month the KPI counts a case in (the column of its time condition) → column `t`. */
  monthly?: boolean;
  /** Group by this expression → column `label`. */
  label?: string;
  /** The series name: an expression, or (default) the KPI id as a literal. */
  series?: string;
  /** Leave out groups with fewer cases in the denominator (rates over two jobs say little). */
  minDenominator?: number;
  /** Show the denominator instead of the figure (e.g. orders received, from the completion rate). */
  measure?: 'figure' | 'denominator';
  /**
   * The monthly aggregate the panel must read its whole months from: the panel fails at build time, with the reason,
   * when it no longer sums what the KPI counts per group. Without it, any aggregate that does is read, or the source.
   */
  aggregate?: string;
}

/**
 * The KPI broken down by month and/or a dimension (or not at all: one figure), the figure computed per group. When a
 * monthly aggregate (`aggregateOf`) sums what the KPI counts and keeps as its own group columns (or the project)
 * every column the grouping's expressions read, the months the range covers wholly (in the aggregates' zone) are
 * summed from it and the rest of the range (part months, another zone) from the source, each group's two sides added.
 * The aggregates have the KPI's filters but the person: with a person filter every month comes from the source (a
 * constant decides, so the branch not taken reads nothing). Otherwise the source alone.
 */
export function kpiGroupedSql(id: string, g: KpiGrouping): string {
  const kpi = kpiDefinition(id);
  if (g.monthly && !kpi.query.month) throw new Error(`KPI '${id}' has no single month column and cannot be grouped by month`);
  const expressions: [string, string][] = [...(g.label ? [['label', g.label] as [string, string]] : []), ...(g.series ? [['series', g.series] as [string, string]] : [])];
  const keys: [string, string][] = [...(g.monthly ? [['t', `toStartOfMonth(${kpi.query.month}, ${PANEL_DIALECT.timeZone})`] as [string, string]] : []), ...expressions];
  const shape: KpiShape = keys.length ? { kind: 'grouped', keys } : { kind: 'figures' };
  // A label that is a column leaves out the cases without it (below): an aggregate of only the cases with it sums the same.
  const leftOut = g.label && /^\w+$/.test(g.label) ? [`${g.label} != ''`] : [];
  const plan = aggregateOf(id, { columns: expressions.flatMap(([, e]) => columnsOf(e)), leftOut, table: g.aggregate });
  if (typeof plan === 'string' && g.aggregate) throw new Error(plan);
  const inner = typeof plan === 'string' ? renderKpiTemplate(kpi, shape) : wholeMonthsAndRestSql(kpi, plan, keys, shape);
  const columns = [...(g.monthly ? ['t'] : []), ...(g.label ? ['label'] : []), ...(g.monthly ? [g.series ? 'series' : `'${id}' AS series`] : [])];
  const value = g.measure === 'denominator' ? 'denominator' : figure(kpi.kind);
  // Cases without the dimension (no technician yet, no department) are left out of a breakdown by it.
  const conditions = [...(g.minDenominator ? [`denominator >= ${Math.floor(g.minDenominator)}`] : []), ...(g.label ? ["label != ''"] : [])];
  return `SELECT ${[...columns, `${value} AS value`].join(', ')} FROM (${inner})${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

/**
 * (keys, numerator, denominator) per group: the whole months from the KPI's aggregate, the rest from its source. The
 * grouping's expressions read the aggregate's columns of the same names; the month key is the aggregate's month.
 */
function wholeMonthsAndRestSql(kpi: KpiDefinition, plan: WholeMonths, keys: [string, string][], shape: KpiShape): string {
  const aliases = keys.map(([alias]) => alias);
  const groupBy = aliases.length ? ` GROUP BY ${aliases.join(', ')}` : '';
  const onAggregate = keys.map(([alias, expression]) => `${alias === 't' ? plan.month : expression} AS ${alias}`);
  const conditions = [LIVE_AGGREGATE_ROWS, PANEL_DIALECT.wholeMonths(plan.month), '$ALL_STAFF', plan.groups, ...plan.filters];
  return `SELECT ${[...aliases, 'sum(numerator) AS numerator', 'sum(denominator) AS denominator'].join(', ')} FROM (
      SELECT ${[...onAggregate, `${plan.numerator('1')} AS numerator`, `${plan.denominator('1')} AS denominator`].join(', ')} FROM {{${plan.table}}} FINAL WHERE ${conditions.join(' AND ')}${groupBy}
      UNION ALL ${renderKpi(kpi.id, kpi.query, shape, OUTSIDE_AGGREGATES)})${groupBy}`;
}

/** Words SQL expressions use that are not columns. */
const SQL_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'between', 'case', 'when', 'then', 'else', 'end', 'as']);

/** The columns an expression reads: its words but functions (a word before '('), literals and SQL's own words. */
function columnsOf(expression: string): string[] {
  const words = expression.replace(/'(?:[^'\\]|\\.)*'/g, "''").match(/\b[A-Za-z_]\w*\b(?!\s*\()/g) ?? [];
  return [...new Set(words.filter((w) => !SQL_WORDS.has(w.toLowerCase())))];
}

/**
 * Several KPIs per month (series = the KPI id), the same rows as their `kpiGroupedSql(id, { monthly: true })` joined
 * with UNION ALL, but KPIs that read the same table with the same filters share one scan: a panel of three complaint
 * rates reads the case table once instead of three times. Conditions every KPI of a scan has stay in its WHERE; each
 * KPI's own conditions move into its aggregates, and a month appears for a KPI only when some row met its conditions
 * (as its own query would have it). KPIs of one scan with different month columns (completion and report month) read
 * the table once too: each row is counted once per month column whose time is in the range (`ARRAY JOIN`), in the
 * month of that column, by the KPIs of that column. Reading a ReplacingMergeTree with FINAL costs the merge of every
 * part read, whatever the columns: one FINAL read instead of two is most of what such a panel saves.
 */
export function kpiTrendsSql(ids: string[], dialect: KpiDialect = PANEL_DIALECT, only: string[] = []): string {
  // `only`: constant conditions (no column) that decide whether the scan reads at all.
  const scans = new Map<string, KpiDefinition[]>();
  for (const id of ids) {
    const kpi = kpiDefinition(id);
    if (!kpi.query.month) throw new Error(`KPI '${id}' has no single month column and cannot be grouped by month`);
    const key = JSON.stringify([kpi.query.source, kpi.query.filters]);
    scans.set(key, [...(scans.get(key) ?? []), kpi]);
  }
  return [...scans.values()].map((kpis) => trendScanSql(kpis, dialect, only)).join(' UNION ALL ');
}

function trendScanSql(kpis: KpiDefinition[], dialect: KpiDialect, only: string[]): string {
  const { source } = kpis[0].query;
  const months = [...new Set(kpis.map((k) => k.query.month!))];
  const shared = kpis[0].query.where.filter((c) => kpis.every((k) => k.query.where.includes(c)));
  const series = kpis.map((k, i) => `('${k.id}', rows_${i}, ${figure(k.kind).replaceAll('numerator', `numerator_${i}`).replaceAll('denominator', `denominator_${i}`)})`);
  const columns = (only: (k: KpiDefinition) => string) =>
    kpis.map((k, i) => `countIf(${only(k)}) AS rows_${i}, ${measureWithin(k.query.numerator, only(k), k.id)} AS numerator_${i}, ${measureWithin(k.query.denominator, only(k), k.id)} AS denominator_${i}`);
  const perMonth = (from: string) => `SELECT t, kpi.1 AS series, kpi.3 AS value FROM (${from}) ARRAY JOIN [${series.join(', ')}] AS kpi WHERE kpi.2 > 0`;
  if (months.length === 1) {
    const where = [...only, ...kpiConditions(kpis[0].id, { ...kpis[0].query, where: shared }, dialect)];
    return perMonth(`SELECT toStartOfMonth(${months[0]}, ${PANEL_DIALECT.timeZone}) AS t, ${columns((k) => ownConditions(k.query, shared)).join(', ')}
        FROM {{${source}}} FINAL WHERE ${where.join(' AND ')} GROUP BY t`);
  }
  // A row in the range by any of the month columns; `by_month.2` says which column a joined row is counted by.
  const inRange = (column: string) => `ifNull((${dialect.inMonth(column)}), 0)`;
  const where = kpiConditions(kpis[0].id, { ...kpis[0].query, where: shared, month: undefined }, dialect);
  const joined = months.map((column, j) => `(toStartOfMonth(${column}, ${PANEL_DIALECT.timeZone}), ${j}, ${inRange(column)})`);
  return perMonth(`SELECT by_month.1 AS t, ${columns((k) => `by_month.2 = ${months.indexOf(k.query.month!)} AND ${ownConditions(k.query, shared)}`).join(', ')}
        FROM ${only.length ? `(SELECT * FROM {{${source}}} FINAL WHERE ${only.join(' AND ')})` : `{{${source}}} FINAL`} ARRAY JOIN arrayFilter((m) -> m.3 = 1, [${joined.join(', ')}]) AS by_month
        WHERE ${[...where, `(${months.map(inRange).join(' OR ')})`].join(' AND ')} GROUP BY t`);
}

/**
 * KPIs per month (t, series = the KPI id, value), the rows of `kpiTrendsSql(ids)`, with the months the range covers
 * wholly (in the aggregates' zone) from monthly aggregates of the KPIs' source and the rest of the range (part
 * months, another zone) from the source in one shared scan. A month is whole or not, so each month's figure comes
 * from one side alone. The aggregate of a KPI is the one (aggregates.ts) that sums its source by the month of the
 * KPI's month column, keeps as groups every column the KPI's other conditions name, has the KPI's remaining
 * conditions as its own, and has a column for what each side of the fraction counts (`countIf` of the condition, or
 * `clockMeasures` for a condition on the clock); when none does, the panel fails here, at build time. The aggregates
 * have no person columns: with a person filter every month comes from the source (a constant decides, so the branch
 * not taken reads nothing).
 */
export function kpiMonthlySql(ids: string[]): string {
  // KPIs summed by the same aggregate share one read of it, as KPIs of one source share a scan (`kpiTrendsSql`).
  const reads = new Map<string, WholeMonths[]>();
  for (const plan of ids.map((id) => aggregateOf(id))) {
    if (typeof plan === 'string') throw new Error(plan);
    const key = JSON.stringify([plan.table, plan.filters]);
    reads.set(key, [...(reads.get(key) ?? []), plan]);
  }
  // Said once more as a constant before the scan's ARRAY JOIN of two month columns: after it, a false condition
  // does not spare the read (measured: 15 800 rows read first; inside the subquery, none).
  return [...[...reads.values()].map(wholeMonthsSql), kpiTrendsSql(ids, OUTSIDE_AGGREGATES, ['NOT ($WHOLE_MONTHS_ONLY AND $ALL_STAFF)'])].join(' UNION ALL ');
}

/** The source's rows a monthly aggregate does not answer for: outside the whole months, or all of them with a person filter. */
const OUTSIDE_AGGREGATES: KpiDialect = {
  ...PANEL_DIALECT,
  inMonth: (column) => `((${PANEL_DIALECT.outsideWholeMonths(column)} AND $ALL_STAFF) OR (${PANEL_DIALECT.inMonth(column)} AND NOT $ALL_STAFF))`,
};

/**
 * The sum over an aggregate's rows of what its columns count of `condition`, over the rows meeting `within` (all when
 * none is given): the countIf column, or for a condition on the clock `clockCondition`'s pair, the settled count plus
 * the instants passed now. Found by the expression the aggregate computes, so a reader fails at build time (null)
 * when the aggregate (libs/analytics aggregates.ts) no longer counts it. One rule for the KPI readers and the panels.
 */
export function countedIn(aggregate: Aggregate, condition: string): ((within?: string) => string) | null {
  const column = (expression: string) => aggregate.measures.find(([, , e]) => e === expression)?.[0];
  const sum = (c: string, within?: string) => (within === undefined ? `sum(${c})` : `sumIf(${c}, ${within})`);
  if (!condition.includes(NOW)) {
    const c = column(`countIf(${condition})`);
    return c ? (within) => sum(c, within) : null;
  }
  const { settled, comesDue } = clockCondition(condition);
  const [met, due] = [column(settled), column(comesDue)];
  return met && due ? (within) => `(${sum(met, within)} + ${sum(`arrayCount(d -> d < ${NOW}, ${due})`, within)})` : null;
}

/** How one KPI is read from its monthly aggregate: the aggregate, its month column, and each side summed over the groups meeting `within`. */
interface WholeMonths {
  id: string;
  kind: KpiDefinition['kind'];
  table: string;
  month: string;
  filters: string[];
  /** The KPI's conditions on the aggregate's group columns ('1' when none). */
  groups: string;
  numerator: (within: string) => string;
  denominator: (within: string) => string;
}

/** Several KPIs per whole month of the range from one aggregate (t, series, value), in one read; see `kpiMonthlySql`. */
function wholeMonthsSql(plans: WholeMonths[]): string {
  const [{ table, month, filters }] = plans;
  const series = plans.map((k, i) => `('${k.id}', rows_${i}, ${figure(k.kind).replaceAll('numerator', `numerator_${i}`).replaceAll('denominator', `denominator_${i}`)})`);
  const columns = plans.map((k, i) => `countIf(${k.groups}) AS rows_${i}, ${k.numerator(k.groups)} AS numerator_${i}, ${k.denominator(k.groups)} AS denominator_${i}`);
  const conditions = [LIVE_AGGREGATE_ROWS, PANEL_DIALECT.wholeMonths(month), '$ALL_STAFF', ...filters];
  return `SELECT t, kpi.1 AS series, kpi.3 AS value FROM (
      SELECT ${month} AS t, ${columns.join(', ')} FROM {{${table}}} FINAL WHERE ${conditions.join(' AND ')} GROUP BY t)
    ARRAY JOIN [${series.join(', ')}] AS kpi WHERE kpi.2 > 0`;
}

/**
 * The aggregate (aggregates.ts) that sums a KPI's source by the month of the KPI's month column, keeps as groups every
 * column the KPI's other conditions name and every column a grouping reads (`columns`; the project is every
 * aggregate's), has the KPI's remaining conditions as its own (or those and conditions the grouping leaves out rows
 * by anyway: `leftOut`), and a column for what each side of the fraction counts (`countIf` of the condition, or
 * `clockMeasures` for a condition on the clock); when none does (or not `table`, when given), why (a panel that
 * requires one fails at build time with it).
 */
function aggregateOf(id: string, grouping: { columns?: string[]; leftOut?: string[]; table?: string } = {}): WholeMonths | string {
  const kpi = kpiDefinition(id);
  const { source, month: at, where, filters, numerator, denominator } = kpi.query;
  const { columns = [], leftOut = [], table } = grouping;
  const reasons: string[] = [];
  for (const aggregate of AGGREGATES) {
    if (table && aggregate.table !== table) continue;
    const [[month, , monthOf], ...groups] = aggregate.keys;
    const keys = groups.map(([k]) => k);
    if (aggregate.source !== source || !at || ![`toStartOfMonth(${at}, '${AGGREGATE_TIME_ZONE}')`, `toStartOfMonth(assumeNotNull(${at}), '${AGGREGATE_TIME_ZONE}')`].includes(monthOf)) {
      if (table) reasons.push(`${aggregate.table}: not a sum of ${source} by the month of ${at ?? 'a single column'}`);
      continue;
    }
    // The grouping's expressions read the group columns kept as they are in the source.
    const kept = new Set(['project_id', ...groups.filter(([k, , e]) => k === e).map(([k]) => k)]);
    const missing = columns.filter((c) => !kept.has(c));
    if (missing.length) {
      reasons.push(`${aggregate.table}: no group column ${missing.join(', ')}`);
      continue;
    }
    // The KPI's conditions on a group column are the reader's; the rest must be the aggregate's own.
    const onGroups = where.filter((c) => keys.some((k) => c.startsWith(`${k} `)));
    const rest = where.filter((c) => !onGroups.includes(c));
    if (![rest, [...rest, ...leftOut]].some((w) => w.join(' AND ') === (aggregate.where ?? '')) || !filters.department || !keys.includes(filters.department)) {
      reasons.push(`${aggregate.table}: its rows or groups are not the KPI's`);
      continue;
    }
    const rows = aggregate.measures.find(([, , e]) => e === 'count()')?.[0];
    type Sum = ((within: string) => string) | null;
    const meeting = (condition: string): Sum => countedIn(aggregate, condition);
    const onAggregate = (m: KpiMeasure): Sum => {
      if (m.window || 'sum' in m || !rows) return null;
      const all = (within: string) => `sumIf(${rows}, ${within})`;
      if ('countExcept' in m) {
        const except = meeting(m.countExcept);
        return except ? (within) => `(${all(within)} - ${except(within)})` : null;
      }
      return m.count === true ? all : meeting(m.count);
    };
    const [n, d] = [onAggregate(numerator), onAggregate(denominator)];
    if (!n || !d) {
      reasons.push(`${aggregate.table}: no column for what a side of the fraction counts`);
      continue;
    }
    return {
      id, kind: kpi.kind, table: aggregate.table, month, numerator: n, denominator: d,
      filters: [PANEL_DIALECT.project(filters.project), PANEL_DIALECT.department(filters.department)],
      groups: onGroups.length ? onGroups.map((c) => `(${c})`).join(' AND ') : '1',
    };
  }
  return `no monthly aggregate sums what KPI '${id}' counts${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}
