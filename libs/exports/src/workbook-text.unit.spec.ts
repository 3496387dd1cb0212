import { DateTime } from 'luxon';
import { displayWidth, linesIn } from './render';
import { localTime } from './sheets';

/** The definitions these replaced, kept here as the reference: the faster ones must give the same text. */
const luxonLocalTime = (utc: string, zone: string) => DateTime.fromISO(utc, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm');
/** Lines a wrapped text takes in a column, as measured before the short-text shortcut. */
const linesMeasured = (text: string, width: number) => text.split('\n').reduce((n, seg) => n + Math.max(1, Math.ceil(displayWidth(seg) / Math.max(1, width - 1))), 0);
const widthByCharacter = (s: string) => [...s].reduce((w, ch) => w + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0);

describe('workbook text helpers', () => {
  it('localTime gives luxon\'s text for instants every 11 minutes around offset changes, odd offsets and old local mean times', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'UTC', 'utc', 'Etc/GMT-14'];
    // Each span covers at least one change of offset in some of the zones (DST starts and ends, Lord Howe's half hour).
    const spans = ['2026-03-07T00:00:00Z', '2026-03-28T00:00:00Z', '2026-04-04T00:00:00Z', '2026-09-26T00:00:00Z', '2026-10-03T00:00:00Z', '2026-10-31T00:00:00Z', '1900-12-31T00:00:00Z', '1927-12-31T00:00:00Z'];
    // St John's and Lord Howe change their offset at half past a UTC hour: a cache per hour alone would be wrong there.
    const mismatches: string[] = [];
    let compared = 0;
    for (const zone of zones) {
      for (const start of spans) {
        for (let m = 0; m < 3 * 24 * 60; m += 11) {
          const utc = new Date(Date.parse(start) + m * 60_000 + 59_999).toISOString();
          const [fast, reference] = [localTime(utc, zone), luxonLocalTime(utc, zone)];
          if (fast !== reference) mismatches.push(`${zone} ${utc}: ${fast} ≠ ${reference}`);
          compared++;
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(30_000);
  });

  it('localTime: other shapes of instant and unknown zones take luxon\'s path, empty stays empty', () => {
    for (const [utc, zone] of [
      ['2026-10-05T03:04Z', 'Asia/Shanghai'], ['2026-10-05T03:04:05Z', 'Asia/Shanghai'], ['2026-10-05T03:04:05.1Z', 'Asia/Shanghai'],
      ['2026-10-05T03:04:05.123456Z', 'Asia/Shanghai'], ['2026-10-05T03:04:05+08:00', 'Asia/Shanghai'], ['2026-10-05 03:04:05', 'Asia/Shanghai'],
      ['2026-02-30T03:04:05Z', 'Asia/Shanghai'], ['2026-10-05T24:00:00Z', 'Asia/Shanghai'], ['not a time', 'Asia/Shanghai'], ['2026-10-05T03:04:05Z', 'Mars/Olympus'],
      ['2026-10-05T03:04:05Z', 'UTC+8'], ['2026-10-05T03:04:05Z', 'local'],
      // Dates and times out of range in the instant's shape: leap days, month lengths, month 0 and 13, minute 60.
      ['2026-02-29T03:04:05Z', 'Asia/Shanghai'], ['2024-02-29T23:59:59.999Z', 'Asia/Shanghai'], ['2000-02-29T00:00Z', 'UTC'], ['1900-02-29T00:00Z', 'UTC'],
      ['2026-04-31T10:00:00Z', 'Asia/Shanghai'], ['2026-04-30T16:00:00Z', 'Asia/Shanghai'], ['2026-12-31T16:00:00.000Z', 'Asia/Shanghai'], ['2026-13-01T00:00Z', 'UTC'],
      ['2026-00-10T00:00Z', 'UTC'], ['2026-10-00T00:00Z', 'UTC'], ['2026-10-05T23:60:00Z', 'UTC'], ['2026-10-05T10:59:60Z', 'UTC'], ['1969-12-31T23:59:59.999Z', 'UTC'],
    ]) {
      expect([utc, zone, localTime(utc, zone)]).toEqual([utc, zone, luxonLocalTime(utc, zone)]);
    }
    expect(localTime(null, 'Asia/Shanghai')).toBe('');
    expect(localTime('', 'Asia/Shanghai')).toBe('');
  });

  it('displayWidth counts CJK and characters beyond the basic plane as two, as the per-character definition did', () => {
    for (const s of ['', 'abc', '维修及时率\nRepairs fixed within their limit', '王师傅 (tech-2)', '😀', 'a😀b', '\ud800', 'x\ud800', '\ud800x', '\udc00', '\udc00\ud800', '｡ﾟ', '\u2e7f\u2e80\uffef\ufff0', '𠀀字']) {
      expect([s, displayWidth(s)]).toEqual([s, widthByCharacter(s)]);
    }
  });

  it('linesIn gives the measured line count, also at the edge of the short-text shortcut', () => {
    const texts = ['', 'a', 'abcd', 'abcde', '维修', '维修类', '维修\nRepair', 'ab\n', '\n', '😀😀', 'x'.repeat(20), '字'.repeat(10), 'a字'.repeat(7), '王师傅 (tech-2)', '投诉 complaint\n超时', '\ud800\n', '😀\n字', 'a\n\nb', '\n\n', '字\n' + 'x'.repeat(30), 'BX-P07-c3-3F9A2C1B'];
    let compared = 0;
    for (const text of texts) {
      for (const width of [0, 1, 1.5, 2, 3, 4.9, 5, 5.1, 6, 9, 10.5, 11, 12, 19, 20, 21, 27.3, 44]) {
        expect([text, width, linesIn(text, width)]).toEqual([text, width, linesMeasured(text, width)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(250);
  });
});
