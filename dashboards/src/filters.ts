import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { DateTime } from 'luxon';

/**
 * The filters of a panel request, checked before any SQL runs. Every bad input names its parameter; values only
 * ever reach ClickHouse as query parameters.
 *
 *   from, to      YYYY-MM (a whole month), YYYY-MM-DD (a whole day), both in the dashboards' time zone and
 *                 inclusive, or an ISO-8601 instant with Z or an offset. Default: the last 12 months including
 *                 the current one (Grafana's `now-11M/M` … `now/M`).
 *   project, department, staff   one id each (1–64 letters, digits, -, _); absent or empty = all.
 */
export const FILTER_PARAMS = ['from', 'to', 'project', 'department', 'staff'] as const;
export interface PanelFilters {
  from: Date;
  to: Date;
  project: string;
  department: string;
  staff: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RANGE_MONTHS = 60;

export function parseFilters(query: Record<string, unknown>, now: Date, timeZone: string): PanelFilters {
  for (const [key, value] of Object.entries(query)) {
    if (!(FILTER_PARAMS as readonly string[]).includes(key)) throw ValidationError.field(key, 'unknown_parameter', `is not a filter (use ${FILTER_PARAMS.join(', ')})`);
    if (typeof value !== 'string') throw ValidationError.field(key, 'single_value', 'give one value');
  }
  const q = query as Partial<Record<(typeof FILTER_PARAMS)[number], string>>;
  const ids = Object.fromEntries(
    (['project', 'department', 'staff'] as const).map((field) => {
      const v = q[field] ?? '';
      if (v !== '' && !ID.test(v)) throw ValidationError.field(field, 'format', 'must be 1–64 letters, digits, - or _');
      return [field, v];
    }),
  ) as Record<'project' | 'department' | 'staff', string>;
  return { ...timeRange(q.from, q.to, now, timeZone), ...ids };
}

/**
 * Time ranges already read, by their texts and zone. Reading one with luxon (zone offsets, `fromFormat`'s token
 * parser, the months' diff) cost about 0.8 ms of the API thread per panel request, more than the rest of the route's
 * own work, and a dashboard page asks every panel for the same range. A range with a default edge holds only while
 * `now` stays in the month it was read in (`valid`); refused ranges are not kept (read again, refused again).
 */
const RANGES = new Map<string, { from: number; to: number; valid: [number, number] }>();
const MAX_RANGES = 1000;

function timeRange(fromText: string | undefined, toText: string | undefined, now: Date, timeZone: string): { from: Date; to: Date } {
  const key = `${timeZone}\n${fromText ?? ''}\n${toText ?? ''}`;
  const known = RANGES.get(key);
  const t = now.getTime();
  if (known && t >= known.valid[0] && t < known.valid[1]) return { from: new Date(known.from), to: new Date(known.to) };
  const today = DateTime.fromJSDate(now, { zone: timeZone });
  const thisMonth = today.startOf('month');
  const nextMonth = thisMonth.plus({ months: 1 });
  const to = toText ? parseInstant('to', toText, timeZone, 'end') : nextMonth;
  const from = fromText ? parseInstant('from', fromText, timeZone, 'start') : thisMonth.minus({ months: 11 });
  if (to <= from) throw ValidationError.field('to', 'after_from', 'must be after from');
  if (to.diff(from, 'months').months > MAX_RANGE_MONTHS) throw ValidationError.field('from', 'range_too_long', `the time range may span at most ${MAX_RANGE_MONTHS / 12} years`);
  if (RANGES.size >= MAX_RANGES) RANGES.delete(RANGES.keys().next().value!);
  const valid: [number, number] = fromText && toText ? [-Infinity, Infinity] : [thisMonth.toMillis(), nextMonth.toMillis()];
  RANGES.set(key, { from: from.toMillis(), to: to.toMillis(), valid });
  return { from: from.toJSDate(), to: to.toJSDate() };
}

/** A month or day is taken whole: `start` gives its first instant, `end` the first instant after it. */
function parseInstant(field: string, text: string, zone: string, edge: 'start' | 'end'): DateTime {
  const invalid = () => ValidationError.field(field, 'invalid_datetime', 'must be YYYY-MM, YYYY-MM-DD or an ISO-8601 date-time with Z or an offset');
  let unit: 'month' | 'day' | undefined;
  let t: DateTime;
  if (/^\d{4}-\d{2}$/.test(text)) [unit, t] = ['month', DateTime.fromFormat(text, 'yyyy-MM', { zone })];
  else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) [unit, t] = ['day', DateTime.fromISO(text, { zone })];
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    // Real UTC offsets run from -12:00 to +14:00 with minutes below 60; luxon would read +25:00 as 25 hours.
    const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
    if (offset && (Number(offset[3]) >= 60 || Number(offset[2]) * 60 + Number(offset[3]) > (offset[1] === '+' ? 14 * 60 : 12 * 60))) {
      throw ValidationError.field(field, 'utc_offset', 'the UTC offset must be between -12:00 and +14:00');
    }
    t = DateTime.fromISO(text, { setZone: true });
  } else throw invalid();
  if (!t.isValid || t.year < 2000 || t.year > 2100) throw invalid();
  return unit && edge === 'end' ? t.startOf(unit).plus({ [unit + 's']: 1 }) : unit ? t.startOf(unit) : t;
}

/**
 * The projects a request may read: the one asked for (if the token allows it), else every project the token
 * covers (empty list = all projects, for company-wide roles).
 */
export function scopeProjects(principal: { projects: string[] | '*' }, project: string): string[] {
  if (principal.projects === '*') return project ? [project] : [];
  // An empty list would read as "all projects" in the SQL: a token scoped to nothing sees nothing.
  if (principal.projects.length === 0) throw new ForbiddenError('this token covers no project');
  if (!project) return [...principal.projects];
  if (!principal.projects.includes(project)) throw new ForbiddenError(`not allowed in project '${project}'`);
  return [project];
}

/** The query parameters every panel SQL (rendered by `toApiSql`) binds. */
export function panelParams(f: PanelFilters, projects: string[], timeZone: string): Record<string, unknown> {
  const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
  return { from: ch(f.from), to: ch(f.to), projects, department: f.department, staff: f.staff, tz: timeZone };
}
