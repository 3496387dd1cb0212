import { DateTime } from 'luxon';
import { caseNumberSeries } from './case-number';

/** The series as computed before months were kept: luxon on every call. */
const reference = (projectId: string, at: Date, zone: string) => `${projectId}-${DateTime.fromJSDate(at, { zone }).toFormat('yyyyMM')}`;

describe('caseNumberSeries', () => {
  const zones = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

  it('names the same month as luxon on every call, at each month edge (±1 ms) and across DST changes', () => {
    for (const zone of zones) {
      const instants: number[] = [];
      for (let m = 0; m < 30; m++) {
        const start = DateTime.fromObject({ year: 2025, month: 1, day: 1 }, { zone }).plus({ months: m }).toMillis();
        instants.push(start - 1, start, start + 1, start + 12 * 86_400_000 + 37_000);
      }
      // In order (the kept month answers most calls) and shuffled (it is replaced at nearly every call).
      const shuffled = [...instants].sort((a, b) => ((a * 7919) % 1009) - ((b * 7919) % 1009));
      for (const t of [...instants, ...shuffled]) {
        const at = new Date(t);
        expect(caseNumberSeries('P01', at, zone)).toBe(reference('P01', at, zone));
        expect(caseNumberSeries('P02', at.toISOString(), zone)).toBe(reference('P02', at, zone));
      }
    }
  });

  it('refuses an unknown time zone or a bad instant, even right after a good call', () => {
    caseNumberSeries('P01', new Date('2026-03-10T00:00:00Z'), 'Asia/Shanghai');
    expect(() => caseNumberSeries('P01', new Date('2026-03-10T00:00:00Z'), 'Mars/Olympus')).toThrow(/invalid time zone/);
    expect(() => caseNumberSeries('P01', 'not a time', 'Asia/Shanghai')).toThrow(/invalid time zone 'Asia\/Shanghai' or instant 'not a time'/);
  });
});
