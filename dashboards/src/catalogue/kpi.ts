import { KPIS, type KpiDefinition } from '@service-ledger/analytics';

/**
 * Panels that show a KPI take its SQL from the KPI's own definition in libs/analytics (the one the monthly
 * exports and HR use), so a dashboard figure for a month equals the exported figure for that month. The KPI SQL
 * is written for one month; here its month condition becomes the dashboard's time range on the same column
 * (the KPI's "time it falls in") and its filters become the catalogue's filter macros.
 */
const REWRITES: [RegExp, string][] = [
  [/toYYYYMM\(([\w.]+), \{tz:String\}\) = \{month:UInt32\}/g, '$$TIME($1)'],
  [/\(\{project:String\} = '' OR ([\w.]+) = \{project:String\}\)/g, '$$PROJECT($1)'],
  [/\(\{department:String\} = '' OR ([\w.]+) = \{department:String\}\)/g, '$$DEPARTMENT($1)'],
  [/\(\{staff:String\} = '' OR ([\w.]+) = \{staff:String\}\)/g, '$$STAFF($1)'],
  [/\(\{staff:String\} = '' OR \{staff:String\} IN \(([\w., ]+)\)\)/g, '$$STAFF_IN($1)'],
  [/\{tz:String\}/g, '$$TZ'],
];

export function kpiDefinition(id: string): KpiDefinition {
  const kpi = KPIS.find((k) => k.id === id);
  if (!kpi) throw new Error(`unknown KPI '${id}' in the panel catalogue`);
  return kpi;
}

/** The KPI's SQL in the catalogue's template language; fails loudly when a KPI cannot be cut by a time range. */
export function kpiTemplate(id: string): string {
  const sql = REWRITES.reduce((s, [re, to]) => s.replace(re, to), kpiDefinition(id).sql.trim());
  const left = /\{\w+:[^}]+\}/.exec(sql);
  if (left) throw new Error(`KPI '${id}' keeps ${left[0]} after translation: its definition cannot be shown over a time range`);
  return sql;
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
  const template = kpiTemplate(id);
  if (!/^SELECT /.test(template)) throw new Error(`KPI '${id}' is not a single SELECT and cannot be grouped`);
  const times = [...template.matchAll(/\$TIME\(([^()]+)\)/g)].map((m) => m[1]);
  if (times.length !== 1) throw new Error(`KPI '${id}' has ${times.length} time conditions and cannot be grouped`);
  const keys: [string, string][] = [];
  if (g.monthly) keys.push(['t', `toStartOfMonth(${times[0]}, $TZ)`]);
  if (g.label) keys.push(['label', g.label]);
  if (g.series) keys.push(['series', g.series]);
  const inner = `SELECT ${keys.map(([alias, expr]) => `${expr} AS ${alias}`).join(', ')}, ${template.slice('SELECT '.length)} GROUP BY ${keys.map(([a]) => a).join(', ')}`;
  const columns = [...(g.monthly ? ['t'] : []), ...(g.label ? ['label'] : []), ...(g.monthly ? [g.series ? 'series' : `'${id}' AS series`] : [])];
  const value = g.measure === 'denominator' ? 'denominator' : figure(kpiDefinition(id).kind);
  // Cases without the dimension (no technician yet, no department) are left out of a breakdown by it.
  const conditions = [...(g.minDenominator ? [`denominator >= ${Math.floor(g.minDenominator)}`] : []), ...(g.label ? ["label != ''"] : [])];
  return `SELECT ${columns.join(', ')}, ${value} AS value FROM (${inner})${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}
