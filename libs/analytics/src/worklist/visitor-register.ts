import { ValidationError } from '@service-ledger/core';
import { DateTime } from 'luxon';
import type { Analytics } from '../client';

export interface VisitorRegisterRow {
  visitorId: string;
  projectId: string;
  /** Whom they came to see: the host's building and unit. */
  building: string;
  unit: string;
  purpose: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  checkedInBy: string;
  checkedOutBy: string;
}

/** The day `date` (YYYY-MM-DD) in the time zone, as [from, to). */
export function registerDay(date: string | undefined, timeZone: string, now: Date): { date: string; from: Date; to: Date } {
  const day = date === undefined ? DateTime.fromJSDate(now, { zone: timeZone }).startOf('day') : DateTime.fromISO(date, { zone: timeZone });
  if ((date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) || !day.isValid) throw ValidationError.field('date', 'format', 'must be a date YYYY-MM-DD');
  return { date: day.toISODate()!, from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate() };
}

const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const iso = (t: string | null) => (t ? `${t.replace(' ', 'T')}Z` : null);

/** 访客登记 of one day: visitors checked in that day, and those still in from before. No names here (event store only). */
export async function visitorRegister(db: Analytics, projects: string[], from: Date, to: Date): Promise<VisitorRegisterRow[]> {
  const rows = await db.query<Record<string, string | null>>(
    `SELECT visitor_id, project_id, building, unit, purpose, toString(checked_in_at) AS in_text,
        if(checked_out_at IS NULL, NULL, toString(checked_out_at)) AS out_text, checked_in_by, checked_out_by
     FROM {{visitors}} FINAL
     WHERE (length({projects:Array(String)}) = 0 OR project_id IN {projects:Array(String)})
       AND checked_in_at < {to:DateTime64(3)} AND (checked_in_at >= {from:DateTime64(3)} OR checked_out_at IS NULL OR checked_out_at >= {from:DateTime64(3)})
     ORDER BY checked_in_at, visitor_id
     LIMIT 2000`,
    { projects, from: ch(from), to: ch(to) },
  );
  return rows.map((r) => ({
    visitorId: r.visitor_id!, projectId: r.project_id!, building: r.building!, unit: r.unit!, purpose: r.purpose!, checkedInAt: iso(r.in_text)!,
    checkedOutAt: iso(r.out_text), checkedInBy: r.checked_in_by!, checkedOutBy: r.checked_out_by!,
  }));
}
