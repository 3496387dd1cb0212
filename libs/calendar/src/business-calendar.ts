import { DateTime } from 'luxon';
import holidayData from '../data/cn-holidays.json';

/** A working slot in local time, e.g. ['08:30', '12:00']. */
export type Slot = [string, string];

export interface CalendarOptions {
  timeZone: string;
  /** ISO weekdays that are normally working days (1 = Monday … 7 = Sunday). */
  workingWeekdays: number[];
  slots: Slot[];
  /** Local dates (YYYY-MM-DD) that are days off although they are normal weekdays (statutory holidays). */
  holidays: string[];
  /** Local dates that are working days although they fall on a weekend (调休). */
  workdays: string[];
  /**
   * Slots per ISO weekday (1 = Monday … 7 = Sunday) when days differ (e.g. a Saturday-morning slot); a weekday
   * listed here with slots is a working weekday whatever `workingWeekdays` says. Weekdays not listed use `slots`.
   */
  weekSlots?: Partial<Record<number, Slot[]>>;
  /** The project's own extra days off (local dates), on top of the national data; they win over everything. */
  extraDaysOff?: string[];
  /** The project's own extra working days (local dates), on top of the national data. */
  extraWorkdays?: string[];
}

export interface HolidayYear {
  status: 'official' | 'provisional';
  holidays: string[];
  workdays: string[];
  note?: string;
}

/** China's statutory holidays and 调休 days shipped with the product (libs/calendar/data/cn-holidays.json). */
export const CHINA_HOLIDAYS: Record<string, HolidayYear> = holidayData.years as Record<string, HolidayYear>;

/** Default working hours: Monday–Friday, 08:30–12:00 and 13:30–17:30 (lunch break does not count), Asia/Shanghai. */
export function defaultCalendarOptions(extraYears: Record<string, HolidayYear> = {}, timeZone = 'Asia/Shanghai'): CalendarOptions {
  const years = { ...CHINA_HOLIDAYS, ...extraYears };
  return {
    timeZone,
    workingWeekdays: [1, 2, 3, 4, 5],
    slots: [
      ['08:30', '12:00'],
      ['13:30', '17:30'],
    ],
    holidays: Object.values(years).flatMap((y) => y.holidays),
    workdays: Object.values(years).flatMap((y) => y.workdays),
  };
}

const MAX_DAYS = 3 * 366;

/**
 * Working time per project: several slots a day, weekends, statutory holidays and adjusted working days.
 * Instants in and out are UTC; days and slots are evaluated in the calendar's time zone.
 */
export class BusinessCalendar {
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly extraDaysOff: Set<string>;
  private readonly extraWorkdays: Set<string>;
  /** Working slots in minutes per ISO weekday (empty = day off). */
  private readonly weekMinutes: Map<number, [number, number][]>;
  /** The slots of the standard working day, used on adjusted and extra working days. */
  private readonly standardMinutes: [number, number][];

  constructor(readonly options: CalendarOptions = defaultCalendarOptions()) {
    this.holidays = new Set(options.holidays);
    this.workdays = new Set(options.workdays);
    this.extraDaysOff = new Set(options.extraDaysOff ?? []);
    this.extraWorkdays = new Set(options.extraWorkdays ?? []);
    const base = toSlotMinutes(options.slots);
    this.weekMinutes = new Map();
    for (let weekday = 1; weekday <= 7; weekday++) {
      const own = options.weekSlots?.[weekday];
      this.weekMinutes.set(weekday, own ? toSlotMinutes(own) : options.workingWeekdays.includes(weekday) ? base : []);
    }
    this.standardMinutes = standardDay([...this.weekMinutes.values()]) ?? base;
  }

  /**
   * The standard working day in ms: the daily total most weekdays have (ties: the longer), e.g. 7.5 h for 08:30–12:00
   * + 13:30–17:30, 8 h for Monday–Friday 09:00–17:00 with a Saturday-morning slot. "Half a working day" is half of it.
   */
  standardWorkingDayMs(): number {
    return this.standardMinutes.reduce((n, [a, b]) => n + (b - a), 0) * 60_000;
  }

  /**
   * Whether a local date (YYYY-MM-DD) is a working day: the project's extra days off, then its extra working days,
   * then 调休 working days, then statutory holidays, then the weekday's slots.
   */
  isWorkingDay(localDate: string): boolean {
    return this.slotsOf(localDate).length > 0;
  }

  /** A local date's working slots in minutes: adjusted and extra working days work the standard day. */
  private slotsOf(localDate: string): [number, number][] {
    if (this.extraDaysOff.has(localDate)) return [];
    if (this.extraWorkdays.has(localDate) || this.workdays.has(localDate)) return this.standardMinutes;
    if (this.holidays.has(localDate)) return [];
    return this.weekMinutes.get(DateTime.fromISO(localDate, { zone: this.options.timeZone }).weekday)!;
  }

  isWorkingTime(at: Date | string): boolean {
    const t = toMillis(at);
    return this.day(this.localDate(t)).intervals.some(([a, b]) => a <= t && t < b);
  }

  /** Recent results: projections re-evaluate the same clocks for every event of a case. */
  private readonly memo = new Map<string, number>();

  /** The instant when `durationMs` of working time has elapsed after `start`. */
  addWorkingTime(start: Date | string, durationMs: number): Date {
    const key = `${toMillis(start)}:${durationMs}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return new Date(hit);
    const result = this.computeAddWorkingTime(toMillis(start), durationMs);
    if (this.memo.size >= 50_000) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, result);
    return new Date(result);
  }

  private computeAddWorkingTime(t0: number, durationMs: number): number {
    let remaining = durationMs;
    let date = this.localDate(t0);
    for (let i = 0; i < MAX_DAYS; i++) {
      const day = this.day(date);
      for (const [a, b] of day.intervals) {
        const from = Math.max(a, t0);
        if (from >= b) continue;
        if (remaining <= b - from) return from + remaining;
        remaining -= b - from;
      }
      date = day.next;
    }
    throw new Error('no working time within three years: check the calendar');
  }

  /** Working time in ms between two instants (0 if b ≤ a). */
  workingTimeBetween(a: Date | string, b: Date | string): number {
    const from = toMillis(a);
    const to = toMillis(b);
    if (to <= from) return 0;
    let total = 0;
    let date = this.localDate(from);
    for (let i = 0; i < MAX_DAYS; i++) {
      const day = this.day(date);
      if (day.start >= to) break;
      for (const [s, e] of day.intervals) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
      date = day.next;
    }
    return total;
  }

  /** Local days already worked out: luxon's time-zone arithmetic dominates otherwise (a few thousand days at most). */
  private readonly days = new Map<string, LocalDay>();

  /** A local date's start, working intervals (UTC ms) and the next local date. */
  private day(localDate: string): LocalDay {
    let day = this.days.get(localDate);
    if (!day) {
      const start = DateTime.fromISO(localDate, { zone: this.options.timeZone }).startOf('day');
      const intervals = this.slotsOf(localDate).map(([a, b]) => [start.plus({ minutes: a }).toMillis(), start.plus({ minutes: b }).toMillis()] as [number, number]);
      day = { start: start.toMillis(), intervals, next: start.plus({ days: 1 }).toISODate()! };
      this.days.set(localDate, day);
    }
    return day;
  }

  /** The local day last asked for, with the instant the next one begins. */
  private lastDay: { date: string; start: number; end: number } | null = null;

  /**
   * The local date of an instant. Luxon's zone arithmetic costs tens of µs a call and a projection asks for the same
   * few days again and again, so an instant within the day last asked for (from its start to the next day's, both as
   * `day` works them out) is answered without it.
   */
  private localDate(t: number): string {
    const last = this.lastDay;
    if (last && last.start <= t && t < last.end) return last.date;
    const date = DateTime.fromMillis(t, { zone: this.options.timeZone }).toISODate()!;
    const day = this.day(date);
    this.lastDay = { date, start: day.start, end: this.day(day.next).start };
    return date;
  }
}

interface LocalDay {
  start: number;
  intervals: [number, number][];
  next: string;
}

function toSlotMinutes(slots: Slot[]): [number, number][] {
  const minutes = slots.map(([a, b]) => [toMinutes(a), toMinutes(b)] as [number, number]).sort((x, y) => x[0] - y[0]);
  for (const [a, b] of minutes) if (!(a < b)) throw new Error(`working slot must end after it starts: ${a}–${b}`);
  for (let i = 1; i < minutes.length; i++) if (minutes[i][0] < minutes[i - 1][1]) throw new Error('working slots must not overlap');
  return minutes;
}

/** The slots of the most common non-empty daily total (ties: the longer day); null when no weekday works. */
function standardDay(week: [number, number][][]): [number, number][] | null {
  const total = (d: [number, number][]) => d.reduce((n, [a, b]) => n + (b - a), 0);
  const count = new Map<number, number>();
  for (const d of week) if (d.length) count.set(total(d), (count.get(total(d)) ?? 0) + 1);
  let best: [number, number][] | null = null;
  for (const d of week) {
    if (!d.length) continue;
    if (!best || count.get(total(d))! > count.get(total(best))! || (count.get(total(d)) === count.get(total(best)) && total(d) > total(best))) best = d;
  }
  return best;
}

function toMinutes(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`working slot time must be HH:mm, got '${hhmm}'`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function toMillis(at: Date | string): number {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) throw new Error(`not an instant: ${String(at)}`);
  return t;
}
