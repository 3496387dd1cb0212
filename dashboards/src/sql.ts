/**
 * Panel SQL is written once with a few placeholders and rendered two ways:
 *  - for the API: ClickHouse query parameters ({from:DateTime64(3)}, {project:String} …), never concatenation;
 *  - for Grafana: the ClickHouse plugin's macros ($__timeFilter, $__conditionalAll …) and template variables.
 *
 *   $TIME(col)        rows whose `col` falls in the dashboard's time range
 *   $PROJECT(col)     the project filter (all projects when empty / "All")
 *   $DEPARTMENT(col)  the department filter
 *   $STAFF(col)       the person filter
 *   {{table}}         a projection table
 */
export const FILTERS = ['project', 'department', 'staff'] as const;
export type Filter = (typeof FILTERS)[number];

const macro = (name: string) => new RegExp(`\\$${name}\\(([^()]+)\\)`, 'g');

export function toApiSql(template: string, qualify: (table: string) => string): string {
  return template
    .replace(macro('TIME'), (_, col) => `${col} >= {from:DateTime64(3)} AND ${col} < {to:DateTime64(3)}`)
    .replace(macro('PROJECT'), (_, col) => `({project:String} = '' OR ${col} = {project:String})`)
    .replace(macro('DEPARTMENT'), (_, col) => `({department:String} = '' OR ${col} = {department:String})`)
    .replace(macro('STAFF'), (_, col) => `({staff:String} = '' OR ${col} = {staff:String})`)
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => qualify(t));
}

export function toGrafanaSql(template: string, database: string): string {
  return template
    .replace(macro('TIME'), (_, col) => `$__timeFilter(${col})`)
    .replace(macro('PROJECT'), (_, col) => `$__conditionalAll(${col} IN (\${project:singlequote}), $project)`)
    .replace(macro('DEPARTMENT'), (_, col) => `$__conditionalAll(${col} IN (\${department:singlequote}), $department)`)
    .replace(macro('STAFF'), (_, col) => `$__conditionalAll(${col} IN (\${staff:singlequote}), $staff)`)
    .replace(/\{\{(\w+)\}\}/g, (_, t: string) => `${database}.${t}`);
}

/**
 * Expands the macros the way Grafana's ClickHouse plugin does before sending a query, so the generated
 * dashboards' SQL can be executed on chDB in tests. `vars` holds selected values; absent = "All".
 */
export function expandGrafanaMacros(sql: string, range: { from: Date; to: Date }, vars: Partial<Record<Filter, string>> = {}): string {
  const from = Math.floor(range.from.getTime() / 1000);
  const to = Math.floor(range.to.getTime() / 1000);
  let out = sql.replace(/\$__timeFilter\(([^()]+)\)/g, (_, col) => `${col} >= toDateTime(${from}) AND ${col} <= toDateTime(${to})`);
  out = out.replace(/\$__fromTime/g, `toDateTime(${from})`).replace(/\$__toTime/g, `toDateTime(${to})`);
  out = out.replace(/\$__conditionalAll\(((?:[^()]|\([^()]*\))+),\s*\$(\w+)\)/g, (_, cond: string, v: Filter) => (vars[v] === undefined ? '1=1' : cond));
  out = out.replace(/\$\{(\w+):singlequote\}/g, (_, v: Filter) => `'${(vars[v] ?? '').replace(/'/g, "\\'")}'`);
  return out;
}
