import type { Filter } from './sql';

/**
 * What Grafana and its ClickHouse plugin (grafana-clickhouse-datasource 4.x) do to a panel's rawSql before
 * ClickHouse sees it, for the macros this catalogue uses, so tests can run the generated dashboards' SQL on chDB:
 *
 *  1. `$__conditionalAll(cond, $var)` (plugin front end, before variables): `1=1` when the variable's current
 *     value is All (`$__all`) or empty, otherwise `cond` unchanged.
 *  2. `${var:singlequote}` (Grafana's template service): each selected value in single quotes, `'` escaped as
 *     `\'`, joined with commas.
 *  3. Backend macros: `$__timeFilter(col)` → `col >= toDateTime(<from s>) AND col <= toDateTime(<to s>)`;
 *     `$__fromTime` / `$__toTime` → `toDateTime(<s>)`.
 *
 * `vars` holds the selected values; a variable left out means All.
 */
export function expandGrafanaMacros(sql: string, range: { from: Date; to: Date }, vars: Partial<Record<Filter, string | string[]>> = {}): string {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  const selected = (name: string): string[] | undefined => {
    const v = vars[name as Filter];
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
  };
  let out = replaceConditionalAll(sql, (name) => {
    const v = selected(name);
    return v === undefined || v.length === 0 || (v.length === 1 && v[0] === '');
  });
  out = out.replace(/\$\{(\w+):singlequote\}/g, (_, name: string) => (selected(name) ?? []).map((v) => `'${v.replace(/'/g, "\\'")}'`).join(','));
  out = out.replace(/\$__timeFilter\(([^()]+)\)/g, (_, col: string) => `${col} >= toDateTime(${seconds(range.from)}) AND ${col} <= toDateTime(${seconds(range.to)})`);
  return out.replace(/\$__fromTime\b/g, `toDateTime(${seconds(range.from)})`).replace(/\$__toTime\b/g, `toDateTime(${seconds(range.to)})`);
}

/** Replaces every `$__conditionalAll(cond, $var)`, reading `cond` up to its balanced closing parenthesis. */
function replaceConditionalAll(sql: string, isAll: (variable: string) => boolean): string {
  const head = '$__conditionalAll(';
  let out = sql;
  for (let at = out.lastIndexOf(head); at !== -1; at = out.lastIndexOf(head, at - 1)) {
    let depth = 1;
    let end = at + head.length;
    for (; depth > 0 && end < out.length; end++) depth += out[end] === '(' ? 1 : out[end] === ')' ? -1 : 0;
    const args = out.slice(at + head.length, end - 1);
    const comma = args.lastIndexOf(',');
    const cond = args.slice(0, comma).trim();
    const variable = args.slice(comma + 1).trim().replace(/^\$/, '');
    out = out.slice(0, at) + (isAll(variable) ? '1=1' : cond) + out.slice(end);
    if (at === 0) break;
  }
  return out;
}
