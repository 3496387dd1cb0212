import { type KpiDialect, type KpiDefinition, type KpiShape, kpiConditions, KPIS, measureWithin, ownConditions, renderKpi } from '@service-ledger/analytics';

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

/** One number for the whole range. */
export function kpiValueSql(id: string): string {
  return `SELECT ${figure(kpiDefinition(id).kind)} AS value FROM (${kpiTemplate(id)})`;
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
export function kpiTrendsSql(ids: string[]): string {
  const scans = new Map<string, KpiDefinition[]>();
  for (const id of ids) {
    const kpi = kpiDefinition(id);
    if (!kpi.query.month) throw new Error(`KPI '${id}' has no single month column and cannot be grouped by month`);
    const key = JSON.stringify([kpi.query.source, kpi.query.filters]);
    scans.set(key, [...(scans.get(key) ?? []), kpi]);
  }
  return [...scans.values()].map(trendScanSql).join(' UNION ALL ');
}

function trendScanSql(kpis: KpiDefinition[]): string {
  const { source } = kpis[0].query;
  const months = [...new Set(kpis.map((k) => k.query.month!))];
  const shared = kpis[0].query.where.filter((c) => kpis.every((k) => k.query.where.includes(c)));
  const series = kpis.map((k, i) => `('${k.id}', rows_${i}, ${figure(k.kind).replaceAll('numerator', `numerator_${i}`).replaceAll('denominator', `denominator_${i}`)})`);
  const columns = (only: (k: KpiDefinition) => string) =>
    kpis.map((k, i) => `countIf(${only(k)}) AS rows_${i}, ${measureWithin(k.query.numerator, only(k), k.id)} AS numerator_${i}, ${measureWithin(k.query.denominator, only(k), k.id)} AS denominator_${i}`);
  const perMonth = (from: string) => `SELECT t, kpi.1 AS series, kpi.3 AS value FROM (${from}) ARRAY JOIN [${series.join(', ')}] AS kpi WHERE kpi.2 > 0`;
  if (months.length === 1) {
    const where = kpiConditions(kpis[0].id, { ...kpis[0].query, where: shared }, PANEL_DIALECT);
    return perMonth(`SELECT toStartOfMonth(${months[0]}, ${PANEL_DIALECT.timeZone}) AS t, ${columns((k) => ownConditions(k.query, shared)).join(', ')}
        FROM {{${source}}} FINAL WHERE ${where.join(' AND ')} GROUP BY t`);
  }
  // A row in the range by any of the month columns; `by_month.2` says which column a joined row is counted by.
  const inRange = (column: string) => `ifNull((${PANEL_DIALECT.inMonth(column)}), 0)`;
  const where = kpiConditions(kpis[0].id, { ...kpis[0].query, where: shared, month: undefined }, PANEL_DIALECT);
  const joined = months.map((column, j) => `(toStartOfMonth(${column}, ${PANEL_DIALECT.timeZone}), ${j}, ${inRange(column)})`);
  return perMonth(`SELECT by_month.1 AS t, ${columns((k) => `by_month.2 = ${months.indexOf(k.query.month!)} AND ${ownConditions(k.query, shared)}`).join(', ')}
        FROM {{${source}}} FINAL ARRAY JOIN arrayFilter((m) -> m.3 = 1, [${joined.join(', ')}]) AS by_month
        WHERE ${[...where, `(${months.map(inRange).join(' OR ')})`].join(' AND ')} GROUP BY t`);
}
