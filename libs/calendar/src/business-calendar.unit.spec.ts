import { BusinessCalendar, CHINA_HOLIDAYS, defaultCalendarOptions } from './business-calendar';

const cal = new BusinessCalendar();
const HALF_DAY = 4 * 3600_000;
// Local time in Asia/Shanghai is UTC+8.
const local = (s: string) => new Date(`${s}+08:00`);

describe('business calendar', () => {
  it('answers as a fresh calendar would whatever it was asked before, across daylight-saving changes and midnights', () => {
    // Slots at both ends of the day, every day: an instant given the wrong local date is judged wrongly.
    const slots: [string, string][] = [['00:00', '01:00'], ['11:00', '13:00'], ['23:00', '24:00']];
    for (const [timeZone, around] of [['America/New_York', ['2026-03-08T00:00:00Z', '2026-11-01T00:00:00Z']], ['America/Santiago', ['2026-04-04T12:00:00Z', '2026-09-05T12:00:00Z']], ['Asia/Shanghai', ['2026-02-13T12:00:00Z']]] as const) {
      const options = { ...defaultCalendarOptions({}, timeZone), workingWeekdays: [1, 2, 3, 4, 5, 6, 7], slots };
      const shared = new BusinessCalendar(options);
      const instants = around.flatMap((a) => Array.from({ length: 4 * 72 }, (_, i) => Date.parse(a) - 24 * 3600_000 + i * 17 * 60_000));
      // In time order, then shuffled (a fixed permutation): the day asked last is sometimes the day asked now.
      for (const t of [...instants, ...instants.map((_, i) => instants[(i * 97) % instants.length])]) {
        const fresh = new BusinessCalendar(options);
        expect([shared.isWorkingTime(new Date(t)), shared.addWorkingTime(new Date(t), 90 * 60_000).getTime(), shared.workingTimeBetween(new Date(t), new Date(t + 5 * 3600_000))])
          .toEqual([fresh.isWorkingTime(new Date(t)), fresh.addWorkingTime(new Date(t), 90 * 60_000).getTime(), fresh.workingTimeBetween(new Date(t), new Date(t + 5 * 3600_000))]);
      }
    }
  });
  it('half a working day that crosses the lunch break skips 12:00–13:30', () => {
    expect(cal.addWorkingTime(local('2026-03-10T10:00:00'), HALF_DAY)).toEqual(local('2026-03-10T15:30:00'));
  });
  it('half a working day received on Friday afternoon ends on Monday', () => {
    expect(cal.addWorkingTime(local('2026-03-13T16:00:00'), HALF_DAY)).toEqual(local('2026-03-16T11:00:00'));
  });
  it('a request outside working hours starts counting at the next slot', () => {
    expect(cal.addWorkingTime(local('2026-03-10T20:00:00'), HALF_DAY)).toEqual(local('2026-03-11T14:00:00'));
    expect(cal.isWorkingTime(local('2026-03-10T12:30:00'))).toBe(false);
    expect(cal.isWorkingTime(local('2026-03-10T13:30:00'))).toBe(true);
  });
  it('the Spring Festival holiday does not count (2026: 15–23 February off)', () => {
    // Friday 13 Feb 17:00 + 4 h: 0.5 h that day, then 3.5 h on Saturday 14 Feb, a 调休 working day.
    expect(cal.isWorkingDay('2026-02-16')).toBe(false);
    expect(cal.isWorkingDay('2026-02-23')).toBe(false);
    expect(cal.isWorkingDay('2026-02-24')).toBe(true);
    expect(cal.addWorkingTime(local('2026-02-13T17:00:00'), HALF_DAY)).toEqual(local('2026-02-14T12:00:00'));
    expect(cal.addWorkingTime(local('2026-02-14T17:00:00'), HALF_DAY)).toEqual(local('2026-02-24T12:00:00'));
  });
  it('a 调休 Saturday is a working day (2026-02-28)', () => {
    expect(cal.isWorkingDay('2026-02-28')).toBe(true);
    expect(cal.isWorkingDay('2026-03-07')).toBe(false);
    expect(cal.workingTimeBetween(local('2026-02-28T00:00:00'), local('2026-03-01T00:00:00'))).toBe(7.5 * 3600_000);
  });
  it('working time between two instants counts only working slots', () => {
    expect(cal.workingTimeBetween(local('2026-03-10T11:00:00'), local('2026-03-10T14:00:00'))).toBe(1.5 * 3600_000);
    expect(cal.workingTimeBetween(local('2026-03-13T17:00:00'), local('2026-03-16T09:30:00'))).toBe(1.5 * 3600_000);
    expect(cal.workingTimeBetween(local('2026-03-10T14:00:00'), local('2026-03-10T11:00:00'))).toBe(0);
  });
  it('instants are UTC: 01:00Z is 09:00 in Shanghai', () => {
    expect(cal.isWorkingTime(new Date('2026-03-10T01:00:00Z'))).toBe(true);
    expect(cal.isWorkingTime(new Date('2026-03-10T09:45:00Z'))).toBe(false);
  });
  it('ships official data for 2024–2026 and at least statutory days for 2027; operators can add years', () => {
    for (const y of ['2024', '2025', '2026']) expect(CHINA_HOLIDAYS[y].status).toBe('official');
    expect(CHINA_HOLIDAYS['2027'].holidays).toContain('2027-02-06');
    const custom = new BusinessCalendar(defaultCalendarOptions({ '2028': { status: 'official', holidays: ['2028-01-03'], workdays: ['2028-01-08'] } }));
    expect(custom.isWorkingDay('2028-01-03')).toBe(false);
    expect(custom.isWorkingDay('2028-01-08')).toBe(true);
  });
  it('a time zone with daylight saving: working days keep their local hours across the switch', () => {
    const berlin = new BusinessCalendar({ ...defaultCalendarOptions(), timeZone: 'Europe/Berlin', holidays: [], workdays: [] });
    // Friday 27 March 2026 16:00 CET (UTC+1); clocks go forward on Sunday 29 March; Monday is CEST (UTC+2): 1.5 h on Friday, 2.5 h from Monday 08:30.
    expect(berlin.addWorkingTime(new Date('2026-03-27T15:00:00Z'), 4 * 3600_000)).toEqual(new Date('2026-03-30T09:00:00Z'));
    expect(berlin.workingTimeBetween(new Date('2026-03-27T15:00:00Z'), new Date('2026-03-30T09:00:00Z'))).toBe(4 * 3600_000);
    expect(berlin.isWorkingTime(new Date('2026-03-30T06:30:00Z'))).toBe(true);
    expect(berlin.isWorkingTime(new Date('2026-03-30T06:29:59Z'))).toBe(false);
  });
  it('per-project hours: a project working Saturdays 09:00–17:00', () => {
    const p = new BusinessCalendar({ ...defaultCalendarOptions(), workingWeekdays: [1, 2, 3, 4, 5, 6], slots: [['09:00', '17:00']] });
    expect(p.addWorkingTime(local('2026-03-14T15:00:00'), HALF_DAY)).toEqual(local('2026-03-16T11:00:00'));
  });
});
