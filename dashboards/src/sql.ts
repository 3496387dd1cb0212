/**
 * Panel SQL is written once in a small template language and rendered two ways:
 *  - for the API: ClickHouse query parameters ({from:…}, {projects:Array(String)} …), never concatenation;
 *  - for Grafana: the ClickHouse plugin's macros ($__timeFilter, $__conditionalAll) and template variables.
 *
 *   $TIME(col)          rows whose `col` falls in the selected time range
 *   $TIME_LOOKBACK(col, days)  the range extended `days` back (what rows in the range are compared with)
 *   $PROJECT(col)       the project filter (all, or the projects the user may see)
 *   $DEPARTMENT(col)    the department filter
 *   $STAFF(col)         the person filter, matched against one column
 *   $STAFF_IN(a, b, …)  the person filter, matched against any of several columns (first responder, handler …)
 *   $TZ                 the time zone months and weeks are cut in
 *   {{table}}           a projection table
 */
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

export function toApiSql(template: string, qualify: (table: string) => string): string {
  return template
    .replace(macro('TIME'), (_, col) => `${col} >= {from:DateTime64(3, 'UTC')} AND ${col} < {to:DateTime64(3, 'UTC')}`)
    .replace(macro('TIME_LOOKBACK'), (_, args) => lookback(args, (col, days) => `${col} >= {from:DateTime64(3, 'UTC')} - toIntervalDay(${days}) AND ${col} < {to:DateTime64(3, 'UTC')}`))
    .replace(macro('PROJECT'), (_, col) => `(empty({projects:Array(String)}) OR has({projects:Array(String)}, ${col}))`)
    .replace(macro('DEPARTMENT'), (_, col) => `({department:String} = '' OR ${col} = {department:String})`)
    .replace(macro('STAFF_IN'), (_, cols) => `({staff:String} = '' OR {staff:String} IN (${cols}))`)
    .replace(macro('STAFF'), (_, col) => `({staff:String} = '' OR ${col} = {staff:String})`)
    .replace(/\$TZ\b/g, '{tz:String}')
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => qualify(t));
}

export function toGrafanaSql(template: string, database: string): string {
  return template
    .replace(macro('TIME'), (_, col) => `$__timeFilter(${col})`)
    .replace(macro('TIME_LOOKBACK'), (_, args) => lookback(args, (col, days) => `${col} >= $__fromTime - toIntervalDay(${days}) AND ${col} <= $__toTime`))
    .replace(macro('PROJECT'), (_, col) => `$__conditionalAll(${col} IN (\${project:singlequote}), $project)`)
    .replace(macro('DEPARTMENT'), (_, col) => `$__conditionalAll(${col} IN (\${department:singlequote}), $department)`)
    .replace(macro('STAFF_IN'), (_, cols) => `$__conditionalAll(hasAny([${cols}], [\${staff:singlequote}]), $staff)`)
    .replace(macro('STAFF'), (_, col) => `$__conditionalAll(${col} IN (\${staff:singlequote}), $staff)`)
    .replace(/\$TZ\b/g, `'${GRAFANA_TIME_ZONE}'`)
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => `${database}.${t}`);
}

/** Which filters a panel's SQL honours (the page tells the user when a filter does not apply to a panel). */
export function filtersOf(template: string): { time: boolean; filters: Filter[] } {
  return {
    time: /\$TIME\(/.test(template),
    filters: FILTERS.filter((f) => (f === 'staff' ? /\$STAFF(_IN)?\(/ : new RegExp(`\\$${f.toUpperCase()}\\(`)).test(template)),
  };
}
