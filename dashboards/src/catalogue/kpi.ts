import { type KpiDialect, type KpiDefinition, type KpiShape, KPIS, renderKpi } from '@service-ledger/analytics';

/**
 * Panels that show a KPI render it from the KPI's own definition in libs/analytics (the one the monthly exports and
 * HR use) with the same builder, in the catalogue's template language: the KPI's month becomes the dashboard's time
 * range on the same column (the KPI's "time it falls in") and its filters become the catalogue's filter macros. So
 * a dashboard figure for a month equals the exported figure for that month.
 */
export const PANEL_DIALECT: KpiDialect = {
  name: 'the dashboards’ template language (a time range, not a month)',
  inMonth: (column) => `$TIME(${column})`,
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
