import { ValidationError } from '@service-ledger/core';
import { DateTime } from 'luxon';

/**
 * The case list's query, checked before any SQL runs (every bad input names its parameter).
 *
 *   project, type, status, clockState, responsible, department, building   one value each (empty = all)
 *   from, to    cases opened in [from, to): YYYY-MM-DD (a whole day in the time zone) or an ISO-8601 instant
 *   q           text: a case number (or its start, `P01-202610`), a case id, a building, a topic or content label.
 *               The complaint's own words are not searched: free text may hold owners' names and phones, which
 *               never reach the analytics store.
 *   sort        `deadline` (default: at-risk first by time left, then overdue, then running, then no open clock) or
 *               `age` (oldest first)
 *   limit       1–200 (default 50); cursor   from the previous page's `nextCursor`
 */
export const CLOCK_STATES = ['at_risk', 'breached', 'running', 'paused', 'none'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];
export const CASE_TYPES = ['complaint', 'repair', 'help_request', 'courtesy_visit'] as const;
const PARAMS = ['project', 'type', 'status', 'clockState', 'responsible', 'department', 'building', 'from', 'to', 'q', 'sort', 'limit', 'cursor'] as const;

export interface CaseListQuery {
  project: string;
  type: string;
  status: string;
  clockState: ClockState | '';
  responsible: string;
  department: string;
  building: string;
  from: Date | null;
  to: Date | null;
  q: string;
  sort: 'deadline' | 'age';
  limit: number;
  cursor: Cursor | null;
}

/** Where the previous page ended: the sort key of its last row. */
export interface Cursor {
  rank: number;
  key: number;
  caseId: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const LABEL = /^[\p{L}\p{N}_ -]{1,64}$/u;

export function parseCaseListQuery(query: Record<string, unknown>, timeZone: string): CaseListQuery {
  for (const [key, value] of Object.entries(query)) {
    if (!(PARAMS as readonly string[]).includes(key)) throw ValidationError.field(key, 'unknown_parameter', `is not a case list parameter (use ${PARAMS.join(', ')})`);
    if (typeof value !== 'string') throw ValidationError.field(key, 'single_value', 'give one value');
  }
  const q = query as Partial<Record<(typeof PARAMS)[number], string>>;
  const id = (field: 'project' | 'status' | 'responsible' | 'department', pattern = ID) => {
    const v = q[field] ?? '';
    if (v !== '' && !pattern.test(v)) throw ValidationError.field(field, 'format', 'must be 1–64 letters, digits, - or _');
    return v;
  };
  const oneOf = <T extends string>(field: string, v: string | undefined, allowed: readonly T[]): T | '' => {
    if (!v) return '';
    if (!allowed.includes(v as T)) throw ValidationError.field(field, 'one_of', `must be one of ${allowed.join(', ')}`);
    return v as T;
  };
  const building = q.building ?? '';
  if (building !== '' && !LABEL.test(building)) throw ValidationError.field('building', 'format', 'must be 1–64 letters, digits, spaces, - or _');
  const text = (q.q ?? '').trim();
  if (text.length > 64 || /[\u0000-\u001f]/.test(text)) throw ValidationError.field('q', 'format', 'must be at most 64 printable characters');
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.field('limit', 'range', 'must be a whole number from 1 to 200');
  const from = q.from ? instant('from', q.from, timeZone) : null;
  const to = q.to ? instant('to', q.to, timeZone, true) : null;
  if (from && to && to <= from) throw ValidationError.field('to', 'after_from', 'must be after from');
  return {
    project: id('project'),
    type: oneOf('type', q.type, CASE_TYPES),
    status: id('status'),
    clockState: oneOf('clockState', q.clockState, CLOCK_STATES),
    responsible: id('responsible'),
    department: id('department'),
    building,
    from,
    to,
    q: text,
    sort: oneOf('sort', q.sort, ['deadline', 'age'] as const) || 'deadline',
    limit,
    cursor: q.cursor ? decodeCursor(q.cursor) : null,
  };
}

function instant(field: string, text: string, zone: string, end = false): Date {
  let t: DateTime;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    t = DateTime.fromISO(text, { zone }).startOf('day');
    if (end) t = t.plus({ days: 1 });
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) t = DateTime.fromISO(text, { setZone: true });
  else throw ValidationError.field(field, 'invalid_datetime', 'must be YYYY-MM-DD or an ISO-8601 date-time with Z or an offset');
  if (!t.isValid || t.year < 2000 || t.year > 2100) throw ValidationError.field(field, 'invalid_datetime', 'must be a real date between 2000 and 2100');
  return t.toJSDate();
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.rank, c.key, c.caseId])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const bad = () => ValidationError.field('cursor', 'format', "must be a page's nextCursor, unchanged");
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw bad();
  try {
    const [rank, key, caseId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Number.isInteger(rank) || !Number.isFinite(key) || typeof caseId !== 'string' || !ID.test(caseId)) throw bad();
    return { rank, key, caseId };
  } catch {
    throw bad();
  }
}
