import { AGGREGATE_TIME_ZONE, AGGREGATES, clockCondition, type KpiDialect, type KpiDefinition, type KpiMeasure, type KpiShape, kpiConditions, KPIS, LIVE_AGGREGATE_ROWS, measureWithin, NOW, ownConditions, renderKpi } from '@service-ledger/analytics';

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
 * One number for the whole range. A KPI that a monthly aggregate sums (`aggregateOf`) reads the months the range covers
 * wholly from it and the rest from its source, when no person filter is set; the others read their source.
 */
export function kpiValueSql(id: string): string {
  const kind = kpiDefinition(id).kind;
  const plan = aggregateOf(id);
  if (typeof plan === 'string') return `SELECT ${figure(kind)} AS value FROM (${kpiTemplate(id)})`;
  const kpi = kpiDefinition(id);
  const conditions = [LIVE_AGGREGATE_ROWS, PANEL_DIALECT.wholeMonths(plan.month), '$ALL_STAFF', plan.groups, ...plan.filters];
  return `SELECT ${figure(kind)} AS value FROM (SELECT sum(numerator) AS numerator, sum(denominator) AS denominator FROM (
      SELECT ${plan.numerator('1')} AS numerator, ${plan.denominator('1')} AS denominator FROM {{${plan.table}}} FINAL WHERE ${conditions.join(' AND ')}
      UNION ALL ${renderKpi(id, kpi.query, { kind: 'figures' }, OUTSIDE_AGGREGATES)}))`;
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
}

/** The KPI broken down by month and/or a dimension: its aggregates grouped, the figure computed per group. */
export function kpiGroupedSql(id: string, g: KpiGrouping): string {
  const kpi = kpiDefinition(id);
  if (g.monthly && !kpi.query.month) throw new Error(`KPI '${id}' has no single month column and cannot be grouped by month`);
  const keys: [string, string][] = [];
  if (g.monthly) keys.push(['t', `toStartOfMonth(${kpi.query.month}, ${PANEL_DIALECT.timeZone})`]);
  if (g.label) keys.push(['label', g.label]);
  if (g.series) keys.push(['series', g.series]);
  const inner = renderKpiTemplate(kpi, { kind: 'grouped', keys });
  const columns = [...(g.monthly ? ['t'] : []), ...(g.label ? ['label'] : []), ...(g.monthly ? [g.series ? 'series' : `'${id}' AS series`] : [])];
  const value = g.measure === 'denominator' ? 'denominator' : figure(kpi.kind);
  // Cases without the dimension (no technician yet, no department) are left out of a breakdown by it.
  const conditions = [...(g.minDenominator ? [`denominator >= ${Math.floor(g.minDenominator)}`] : []), ...(g.label ? ["label != ''"] : [])];
  return `SELECT ${columns.join(', ')}, ${value} AS value FROM (${inner})${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
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
  for (const plan of ids.map(aggregateOf)) {
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
 * column the KPI's other conditions name, has the KPI's remaining conditions as its own, and a column for what each
 * side of the fraction counts (`countIf` of the condition, or `clockMeasures` for a condition on the clock); when
 * none does, why (a monthly trend fails at build time with it).
 */
function aggregateOf(id: string): WholeMonths | string {
  const kpi = kpiDefinition(id);
  const { source, month: at, where, filters, numerator, denominator } = kpi.query;
  const reasons: string[] = [];
  for (const aggregate of AGGREGATES) {
    const [[month, , monthOf], ...groups] = aggregate.keys;
    const keys = groups.map(([k]) => k);
    if (aggregate.source !== source || !at || ![`toStartOfMonth(${at}, '${AGGREGATE_TIME_ZONE}')`, `toStartOfMonth(assumeNotNull(${at}), '${AGGREGATE_TIME_ZONE}')`].includes(monthOf)) continue;
    // The KPI's conditions on a group column are the reader's; the rest must be the aggregate's own.
    const onGroups = where.filter((c) => keys.some((k) => c.startsWith(`${k} `)));
    const rest = where.filter((c) => !onGroups.includes(c));
    if ((aggregate.where ?? '') !== rest.join(' AND ') || !filters.department || !keys.includes(filters.department)) {
      reasons.push(`${aggregate.table}: its rows or groups are not the KPI's`);
      continue;
    }
    const column = (expression: string) => aggregate.measures.find(([, , e]) => e === expression)?.[0];
    const rows = column('count()');
    type Sum = ((within: string) => string) | null;
    const meeting = (condition: string): Sum => {
      if (!condition.includes(NOW)) {
        const c = column(`countIf(${condition})`);
        return c ? (within) => `sumIf(${c}, ${within})` : null;
      }
      const { settled, comesDue } = clockCondition(condition);
      const [met, due] = [column(settled), column(comesDue)];
      return met && due ? (within) => `(sumIf(${met}, ${within}) + sumIf(arrayCount(d -> d < ${NOW}, ${due}), ${within}))` : null;
    };
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

/**
 * A rate KPI per person (label, value): the rows of `kpiGroupedSql(id, { label: <person column>, minDenominator })`,
 * with the months the range covers wholly (in the aggregates' zone) summed from `table` (an aggregate of the KPI's
 * source with the KPI's conditions as its `where`, per project, month of the KPI's month column, department and that
 * person column: aggregates.ts) and the rest of the range read from the source. The KPI's person filter matches
 * several columns (first responder, handler, technician), which the aggregate has not: with a person filter every
 * month comes from the source (a constant decides, so the branch not taken reads nothing). Built from the KPI's
 * definition, and it fails here when the aggregate no longer sums what the KPI counts.
 */
export function kpiPerPersonSql(id: string, table: string, minDenominator: number): string {
  const kpi = kpiDefinition(id);
  const { source, month: at, where, filters, numerator, denominator } = kpi.query;
  const aggregate = AGGREGATES.find((a) => a.table === table);
  const count = (m: KpiMeasure) => ('count' in m && !m.window ? (m.count === true ? 'count()' : `countIf(${m.count})`) : null);
  const column = (m: KpiMeasure) => aggregate?.measures.find(([, , e]) => e === count(m))?.[0];
  const [n, d] = [column(numerator), column(denominator)];
  const [[month, , monthOf] = [], [department] = [], [person] = [], ...more] = aggregate?.keys ?? [];
  const sums = aggregate?.source === source && aggregate.where === where.join(' AND ') && !!at && [`(${at},`, `(assumeNotNull(${at}),`].some((c) => monthOf?.includes(c));
  if (!sums || !n || !d || department !== filters.department || !person || more.length > 0 || kpi.kind !== 'rate') throw new Error(`${table} does not sum what KPI '${id}' counts per person`);
  const filtered = [`$PROJECT(${filters.project})`, `$DEPARTMENT(${filters.department})`];
  const onAggregate = [LIVE_AGGREGATE_ROWS, `$WHOLE_MONTHS(${month})`, '$ALL_STAFF', ...filtered];
  const onSource = [`(($TIME_OUTSIDE_WHOLE_MONTHS(${at}) AND $ALL_STAFF) OR ($TIME(${at}) AND NOT $ALL_STAFF))`, ...where, ...filtered, PANEL_DIALECT.staff(filters.staff!)];
  return `SELECT label, ${figure(kpi.kind)} AS value FROM (
      SELECT label, sum(n) AS numerator, sum(d) AS denominator FROM (
        SELECT ${person} AS label, sum(${n}) AS n, sum(${d}) AS d FROM {{${table}}} FINAL WHERE ${onAggregate.join(' AND ')} GROUP BY label
        UNION ALL
        SELECT ${person} AS label, ${count(numerator)} AS n, ${count(denominator)} AS d FROM {{${source}}} FINAL WHERE ${onSource.join(' AND ')} GROUP BY label)
      GROUP BY label)
    WHERE denominator >= ${Math.floor(minDenominator)} AND label != ''`;
}
