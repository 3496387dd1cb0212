import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { panelParams, parseFilters, scopeProjects } from './filters';

const NOW = new Date('2026-11-20T08:00:00Z');
const TZ = 'Asia/Shanghai';
const issue = (q: Record<string, unknown>) => {
  try {
    parseFilters(q, NOW, TZ);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues[0];
    throw e;
  }
  throw new Error('accepted');
};

describe('dashboard filters', () => {
  it('default to the last 12 months including the current one, cut in the company’s time zone', () => {
    const f = parseFilters({}, NOW, TZ);
    expect(f.from.toISOString()).toBe('2025-11-30T16:00:00.000Z'); // 2025-12-01 00:00 in Shanghai
    expect(f.to.toISOString()).toBe('2026-11-30T16:00:00.000Z'); // the end of November 2026 in Shanghai
  });

  it('move the default range when the month turns, though the same texts were read before (ranges are kept)', () => {
    const lastMoment = new Date('2026-11-30T15:59:59.999Z'); // 2026-11-30 23:59:59.999 in Shanghai
    const firstMoment = new Date('2026-11-30T16:00:00.000Z'); // 2026-12-01 00:00 in Shanghai
    expect(parseFilters({}, lastMoment, TZ).to.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseFilters({ to: '2026-11' }, lastMoment, TZ).from.toISOString()).toBe('2025-11-30T16:00:00.000Z');
    expect(parseFilters({}, firstMoment, TZ)).toMatchObject({ from: new Date('2025-12-31T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    expect(parseFilters({ to: '2026-11' }, firstMoment, TZ).from.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    // Back in November (a clock set back): November's range again, not the one read last.
    expect(parseFilters({}, lastMoment, TZ).from.toISOString()).toBe('2025-11-30T16:00:00.000Z');
  });

  it('answer a kept range with its own dates: a caller changing them does not change the next answer', () => {
    const first = parseFilters({ from: '2026-03', to: '2026-04' }, NOW, TZ);
    first.from.setTime(0);
    expect(parseFilters({ from: '2026-03', to: '2026-04' }, NOW, TZ).from).toEqual(new Date('2026-02-28T16:00:00Z'));
  });

  it('keep refusing a refused range, and a zone’s range is not another’s', () => {
    expect(issue({ from: '2026-10', to: '2026-01' })).toMatchObject({ field: 'to', rule: 'after_from' });
    expect(issue({ from: '2026-10', to: '2026-01' })).toMatchObject({ field: 'to', rule: 'after_from' });
    expect(parseFilters({ from: '2026-03', to: '2026-03' }, NOW, 'UTC')).toMatchObject({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') });
  });

  it('take months and days whole and inclusive, and instants as given', () => {
    expect(parseFilters({ from: '2026-03', to: '2026-03' }, NOW, TZ)).toMatchObject({ from: new Date('2026-02-28T16:00:00Z'), to: new Date('2026-03-31T16:00:00Z') });
    expect(parseFilters({ from: '2026-03-05', to: '2026-03-05' }, NOW, TZ)).toMatchObject({ from: new Date('2026-03-04T16:00:00Z'), to: new Date('2026-03-05T16:00:00Z') });
    expect(parseFilters({ from: '2026-03-05T01:00:00Z', to: '2026-03-05T12:30:00+08:00' }, NOW, TZ)).toMatchObject({ from: new Date('2026-03-05T01:00:00Z'), to: new Date('2026-03-05T04:30:00Z') });
  });

  it.each([
    [{ from: 'yesterday' }, 'from', 'invalid_datetime'],
    [{ to: '2026-13' }, 'to', 'invalid_datetime'],
    [{ from: '2026-02-30' }, 'from', 'invalid_datetime'],
    [{ from: '2026-03-05T10:00:00' }, 'from', 'invalid_datetime'],
    [{ from: '2026-03-05T10:00:00+25:00' }, 'from', 'utc_offset'],
    [{ to: '2026-03-05T10:00:00-12:30' }, 'to', 'utc_offset'],
    [{ from: '2026-03-05T10:00:00+08:60' }, 'from', 'utc_offset'],
    [{ from: '2026-10', to: '2026-01' }, 'to', 'after_from'],
    [{ from: '2010-01', to: '2026-01' }, 'from', 'range_too_long'],
    [{ project: "P01' OR 1=1 --" }, 'project', 'format'],
    [{ department: 'x'.repeat(65) }, 'department', 'format'],
    [{ staff: 'a b' }, 'staff', 'format'],
    [{ projet: 'P01' }, 'projet', 'unknown_parameter'],
    [{ project: ['P01', 'P02'] }, 'project', 'single_value'],
  ])('reject %j naming %s (%s)', (q, field, rule) => {
    expect(issue(q)).toMatchObject({ field, rule });
  });

  it('bind everything as ClickHouse parameters', () => {
    const f = parseFilters({ from: '2026-03', to: '2026-03', department: 'engineering' }, NOW, TZ);
    expect(panelParams(f, ['P01'], TZ)).toEqual({ from: '2026-02-28 16:00:00.000', to: '2026-03-31 16:00:00.000', projects: ['P01'], department: 'engineering', staff: '', tz: TZ });
  });
});

describe('project scope', () => {
  it('a company-wide token reads all projects or the one it asks for', () => {
    expect(scopeProjects({ projects: '*' }, '')).toEqual([]);
    expect(scopeProjects({ projects: '*' }, 'P02')).toEqual(['P02']);
  });

  it('a receptionist reads their own projects only: no filter means their projects, another project is forbidden', () => {
    expect(scopeProjects({ projects: ['P01', 'P03'] }, '')).toEqual(['P01', 'P03']);
    expect(scopeProjects({ projects: ['P01'] }, 'P01')).toEqual(['P01']);
    expect(() => scopeProjects({ projects: ['P01'] }, 'P02')).toThrow(ForbiddenError);
  });

  it('a token scoped to no project sees nothing (an empty list must not mean all)', () => {
    expect(() => scopeProjects({ projects: [] }, '')).toThrow(ForbiddenError);
  });
});
