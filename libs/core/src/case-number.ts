import { DateTime } from 'luxon';

/**
 * Readable case numbers people can say on the phone and write on a form: `P01-202610-0042` is the 42nd case opened
 * in project P01 in October 2026 (month in the project's time zone, of the case's business time). The store keeps
 * one counter row per series and assigns the next number inside the append, so numbers are unique and gap-free per
 * project and month; past 9999 the sequence simply grows a digit (`P01-202610-10000`).
 */
export const CASE_NUMBER = /^([A-Za-z0-9_-]{1,64})-(\d{6})-(\d{4,})$/;

/**
 * Stream categories that are cases and get a number: complaints, repairs, help requests (stored as `help-…`) and
 * courtesy visits (`visit-…`); visitor log entries and master data do not.
 */
export const NUMBERED_CATEGORIES: readonly string[] = ['complaint', 'repair', 'help', 'visit'];

/**
 * The last month looked up per time zone, as the instants it spans: cases opened now fall in the same month, and the
 * time-zone arithmetic cost ≈ 0.1 ms of the API's thread per new case under load.
 */
const lastMonth = new Map<string, { from: number; to: number; yyyymm: string }>();

/** The series a case opened at `occurredAt` belongs to: `<projectId>-<yyyymm>` in the project's time zone. */
export function caseNumberSeries(projectId: string, occurredAt: Date | string, timeZone: string): string {
  const instant = new Date(occurredAt).getTime();
  const known = lastMonth.get(timeZone);
  if (known && instant >= known.from && instant < known.to) return `${projectId}-${known.yyyymm}`;
  const at = DateTime.fromJSDate(new Date(instant), { zone: timeZone });
  if (!at.isValid) throw new Error(`case number: invalid time zone '${timeZone}' or instant '${String(occurredAt)}'`);
  const month = at.startOf('month');
  const yyyymm = at.toFormat('yyyyMM');
  lastMonth.set(timeZone, { from: month.toMillis(), to: month.plus({ months: 1 }).toMillis(), yyyymm });
  return `${projectId}-${yyyymm}`;
}

/** `series-0042` (at least four digits). The SQL store writes the same text (see its counter statement). */
export function formatCaseNumber(series: string, sequence: number): string {
  return `${series}-${String(sequence).padStart(4, '0')}`;
}

export function isCaseNumber(text: string): boolean {
  return CASE_NUMBER.test(text);
}
