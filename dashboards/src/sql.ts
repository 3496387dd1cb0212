/**
 * Panel SQL is written once in a small template language and rendered two ways:
 *  - for the API: ClickHouse query parameters ({from:…}, {projects:Array(String)} …), never concatenation;
 *  - for Grafana: the ClickHouse plugin's macros ($__timeFilter, $__conditionalAll) and template variables.
 *
 *   $TIME(col)          rows whose `col` falls in the selected time range
 *   $TIME_LOOKBACK(col, days)  the range extended `days` back (what rows in the range are compared with)
 *   $WHOLE_MONTHS(month)  an aggregate's rows (`month`: a month's first day in AGGREGATE_TIME_ZONE) for the months
 *                       lying wholly in the range, when the request's zone is that zone (else none)
 *   $TIME_OUTSIDE_WHOLE_MONTHS(col)  rows whose `col` is in the range but not in those months: with $WHOLE_MONTHS, a
 *                       range read from an aggregate plus its source, exactly, for any range and zone
 *   $WHOLE_MONTHS_ONLY  true when those months are the whole range, a constant: a source read that only completes an
 *                       aggregate can say so at the top of its WHERE, where ClickHouse sees a false one and reads nothing
 *   $PROJECT(col)       the project filter (all, or the projects the user may see)
 *   $DEPARTMENT(col)    the department filter
 *   $STAFF(col)         the person filter, matched against one column
 *   $STAFF_IN(a, b, …)  the person filter, matched against any of several columns (first responder, handler …)
 *   $ALL_STAFF          true when no person filter is set, a constant: a panel reads an aggregate without person
 *                       columns only then, and its source (the person filter on it) otherwise
 *   $TZ                 the time zone months and weeks are cut in
 *   {{table}}           a projection table
 */
import { AGGREGATE_TIME_ZONE } from '@service-ledger/analytics';

export const FILTERS = ['project', 'department', 'staff'] as const;
export type Filter = (typeof FILTERS)[number];

/** The time zone Grafana's dashboards cut months in (Grafana has no per-query zone variable for the plugin). */
export const GRAFANA_TIME_ZONE = 'Asia/Shanghai';

const macro = (name: string) => new RegExp(`\\$${name}\\(([^()]+)\\)`, 'g');

/** `col, days` of $TIME_LOOKBACK; the days are a whole number written in the catalogue, never a request's input. */
function lookback(args: string, render: (col: string, days: number) => string): string {
  const [col, days] = args.split(',').map((s) => s.trim());
  if (!/^\d+$/.test(days ?? '')) throw new Error(`$TIME_LOOKBACK(${args}): give a column and a whole number of days`);
  return render(col, Number(days));
}

/**
 * The months lying wholly in [from, to) as first days in the aggregates' zone: from the first month starting at or
 * after `from` up to, not including, the month `to` falls in (a month ending at or before `to` starts before it).
 */
function wholeMonths(from: string, to: string, zone: string): { first: string; end: string; start: (day: string) => string; aggregated: string } {
  const z = `'${AGGREGATE_TIME_ZONE}'`;
  const start = (day: string) => `toDateTime64(toDateTime(${day}, ${z}), 3, 'UTC')`;
  const monthOfFrom = `toStartOfMonth(${from}, ${z})`;
  return { first: `if(${start(monthOfFrom)} = ${from}, ${monthOfFrom}, addMonths(${monthOfFrom}, 1))`, end: `toStartOfMonth(${to}, ${z})`, start, aggregated: `${zone} = ${z}` };
}

/**
 * `inRange` and `toIncluded`: the API's range is half-open, Grafana's includes its end. The second condition of
 * $TIME_OUTSIDE_WHOLE_MONTHS is a constant: false when the whole range is whole months, so ClickHouse reads nothing
 * (under FINAL a skip index on `col` does not narrow the read; a constant false does).
 */
function wholeMonthMacros(template: string, from: string, to: string, zone: string, inRange: (col: string) => string, toIncluded: boolean): string {
  const m = wholeMonths(from, to, zone);
  const rest = `(NOT ${m.aggregated} OR ${m.start(m.first)} > ${from} OR ${m.start(m.end)} ${toIncluded ? '<=' : '<'} ${to})`;
  return template
    .replace(/\$WHOLE_MONTHS_ONLY\b/g, `(NOT ${rest})`)
    .replace(macro('WHOLE_MONTHS'), (_, col) => `(${m.aggregated} AND ${col} >= ${m.first} AND ${col} < ${m.end})`)
    .replace(macro('TIME_OUTSIDE_WHOLE_MONTHS'), (_, col) => `${inRange(col)} AND ${rest} AND (NOT ${m.aggregated} OR ${col} < ${m.start(m.first)} OR ${col} >= ${m.start(m.end)})`);
}

export function toApiSql(template: string, qualify: (table: string) => string): string {
  const [from, to] = ["{from:DateTime64(3, 'UTC')}", "{to:DateTime64(3, 'UTC')}"];
  return wholeMonthMacros(template, from, to, '{tz:String}', (col) => `${col} >= ${from} AND ${col} < ${to}`, false)
    .replace(macro('TIME'), (_, col) => `${col} >= {from:DateTime64(3, 'UTC')} AND ${col} < {to:DateTime64(3, 'UTC')}`)
    .replace(macro('TIME_LOOKBACK'), (_, args) => lookback(args, (col, days) => `${col} >= {from:DateTime64(3, 'UTC')} - toIntervalDay(${days}) AND ${col} < {to:DateTime64(3, 'UTC')}`))
    .replace(macro('PROJECT'), (_, col) => `(empty({projects:Array(String)}) OR has({projects:Array(String)}, ${col}))`)
    .replace(macro('DEPARTMENT'), (_, col) => `({department:String} = '' OR ${col} = {department:String})`)
    .replace(macro('STAFF_IN'), (_, cols) => `({staff:String} = '' OR {staff:String} IN (${cols}))`)
    .replace(macro('STAFF'), (_, col) => `({staff:String} = '' OR ${col} = {staff:String})`)
    .replace(/\$ALL_STAFF\b/g, "({staff:String} = '')")
    .replace(/\$TZ\b/g, '{tz:String}')
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => qualify(t));
}

export function toGrafanaSql(template: string, database: string): string {
  return wholeMonthMacros(template, 'toDateTime64($__fromTime, 3)', 'toDateTime64($__toTime, 3)', `'${GRAFANA_TIME_ZONE}'`, (col) => `$__timeFilter(${col})`, true)
    .replace(macro('TIME'), (_, col) => `$__timeFilter(${col})`)
    .replace(macro('TIME_LOOKBACK'), (_, args) => lookback(args, (col, days) => `${col} >= $__fromTime - toIntervalDay(${days}) AND ${col} <= $__toTime`))
    .replace(macro('PROJECT'), (_, col) => `$__conditionalAll(${col} IN (\${project:singlequote}), $project)`)
    .replace(macro('DEPARTMENT'), (_, col) => `$__conditionalAll(${col} IN (\${department:singlequote}), $department)`)
    .replace(macro('STAFF_IN'), (_, cols) => `$__conditionalAll(hasAny([${cols}], [\${staff:singlequote}]), $staff)`)
    .replace(macro('STAFF'), (_, col) => `$__conditionalAll(${col} IN (\${staff:singlequote}), $staff)`)
    // 1=1 when the variable is All, else the condition given: false.
    .replace(/\$ALL_STAFF\b/g, '($__conditionalAll(1 = 0, $staff))')
    .replace(/\$TZ\b/g, `'${GRAFANA_TIME_ZONE}'`)
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => `${database}.${t}`);
}

/** Which filters a panel's SQL honours (the page tells the user when a filter does not apply to a panel). */
export function filtersOf(template: string): { time: boolean; filters: Filter[] } {
  return {
    time: /\$TIME(_OUTSIDE_WHOLE_MONTHS)?\(/.test(template),
    filters: FILTERS.filter((f) => (f === 'staff' ? /\$STAFF(_IN)?\(/ : new RegExp(`\\$${f.toUpperCase()}\\(`)).test(template)),
  };
}
