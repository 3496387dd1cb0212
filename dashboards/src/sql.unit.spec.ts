import { expandGrafanaMacros } from './grafana-macros';
import { allPanels, kpiGroupedSql, kpiTemplate, PANEL_DIALECT } from './catalogue';
import { staffScorecardSql } from '@service-ledger/analytics';
import { filtersOf, toApiSql, toGrafanaSql } from './sql';

const T = "SELECT count() AS value FROM {{cases}} WHERE $TIME(opened_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF_IN(handler_id, technician_id) AND toStartOfMonth(opened_at, $TZ) > '2000-01-01'";
const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('panel SQL templates', () => {
  it('render for the API with every filter as a ClickHouse query parameter', () => {
    const sql = toApiSql(T, (t) => `db.${t}`);
    expect(sql).toBe(
      "SELECT count() AS value FROM db.cases WHERE opened_at >= {from:DateTime64(3, 'UTC')} AND opened_at < {to:DateTime64(3, 'UTC')} AND (empty({projects:Array(String)}) OR has({projects:Array(String)}, project_id)) AND ({department:String} = '' OR department = {department:String}) AND ({staff:String} = '' OR {staff:String} IN (handler_id, technician_id)) AND toStartOfMonth(opened_at, {tz:String}) > '2000-01-01'",
    );
  });

  it('extend the range back for $TIME_LOOKBACK (what rows in the range are compared with), in both renderings', () => {
    const t = 'SELECT 1 FROM {{cases}} WHERE $TIME_LOOKBACK(opened_at, 90)';
    expect(toApiSql(t, (x) => x)).toBe("SELECT 1 FROM cases WHERE opened_at >= {from:DateTime64(3, 'UTC')} - toIntervalDay(90) AND opened_at < {to:DateTime64(3, 'UTC')}");
    expect(toGrafanaSql(t, 'db')).toBe('SELECT 1 FROM db.cases WHERE opened_at >= $__fromTime - toIntervalDay(90) AND opened_at <= $__toTime');
    expect(filtersOf(t).time).toBe(false);
    expect(() => toApiSql('SELECT $TIME_LOOKBACK(opened_at, x)', (x) => x)).toThrow(/whole number of days/);
  });

  it('render for Grafana with the ClickHouse plugin’s macros and multi-value variables', () => {
    expect(toGrafanaSql(T, 'service_ledger')).toBe(
      "SELECT count() AS value FROM service_ledger.cases WHERE $__timeFilter(opened_at) AND $__conditionalAll(project_id IN (${project:singlequote}), $project) AND $__conditionalAll(department IN (${department:singlequote}), $department) AND $__conditionalAll(hasAny([handler_id, technician_id], [${staff:singlequote}]), $staff) AND toStartOfMonth(opened_at, 'Asia/Shanghai') > '2000-01-01'",
    );
  });

  it('render $ALL_STAFF as a constant: true with no person filter, false with one, in both renderings', () => {
    const t = 'SELECT 1 FROM {{cases}} WHERE $ALL_STAFF AND $STAFF(handler_id)';
    expect(toApiSql(t, (x) => x)).toBe("SELECT 1 FROM cases WHERE ({staff:String} = '') AND ({staff:String} = '' OR handler_id = {staff:String})");
    const grafana = toGrafanaSql(t, 'db');
    expect(expandGrafanaMacros(grafana, range, {})).toContain('WHERE (1=1) AND 1=1');
    expect(expandGrafanaMacros(grafana, range, { staff: 'S1' })).toContain("WHERE (1 = 0) AND handler_id IN ('S1')");
  });

  it('say which filters a panel honours', () => {
    expect(filtersOf(T)).toEqual({ time: true, filters: ['project', 'department', 'staff'] });
    expect(filtersOf('SELECT 1 FROM {{sla_clocks}} WHERE $PROJECT(project_id)')).toEqual({ time: false, filters: ['project'] });
  });
});

describe('Grafana macro expansion (as the ClickHouse plugin does it, for tests on chDB)', () => {
  const grafana = toGrafanaSql(T, 'service_ledger');

  it('All drops a filter to 1=1; the time filter is inclusive whole seconds', () => {
    expect(expandGrafanaMacros(grafana, range)).toBe(
      "SELECT count() AS value FROM service_ledger.cases WHERE opened_at >= toDateTime(1772323200) AND opened_at <= toDateTime(1775001600) AND 1=1 AND 1=1 AND 1=1 AND toStartOfMonth(opened_at, 'Asia/Shanghai') > '2000-01-01'",
    );
  });

  it('selected values are single-quoted, joined, and quotes inside escaped', () => {
    const sql = expandGrafanaMacros(grafana, range, { project: ['P01', 'P02'], department: "o'brien", staff: 'S1' });
    expect(sql).toContain("project_id IN ('P01','P02')");
    expect(sql).toContain("department IN ('o\\'brien')");
    expect(sql).toContain("hasAny([handler_id, technician_id], ['S1'])");
  });

  it('an empty selection counts as All, like the plugin', () => {
    expect(expandGrafanaMacros('WHERE $__conditionalAll(a IN (${project:singlequote}), $project)', range, { project: '' })).toBe('WHERE 1=1');
  });

  it('$__fromTime and $__toTime become DateTimes in seconds', () => {
    expect(expandGrafanaMacros('$__fromTime AND $__toTime', range)).toBe('toDateTime(1772323200) AND toDateTime(1775001600)');
  });
});

describe('panels derived from the KPI definitions', () => {
  it('turn the KPI’s month into the time range on the same column and its filters into the catalogue’s', () => {
    const t = kpiTemplate('repair_timeliness');
    expect(t).toContain('$TIME(completed_at)');
    expect(t).toContain('$PROJECT(project_id)');
    expect(t).toContain('$STAFF_IN(first_responder_id, handler_id, technician_id)');
    expect(t).not.toMatch(/\{(month|project|staff|department|tz):/);
  });

  it('group by the month the KPI counts a case in, or by a dimension', () => {
    expect(kpiGroupedSql('satisfaction_rate', { label: 'visitor_id' })).toMatch(/^SELECT label, .* FROM \(SELECT visitor_id AS label, /);
    expect(kpiGroupedSql('satisfaction_rate', { label: 'project_id', minDenominator: 3 })).toMatch(/GROUP BY label\) WHERE denominator >= 3 AND label != ''$/);
  });

  it('read the whole months from an aggregate that keeps every column the grouping reads, the rest from the source', () => {
    const monthly = kpiGroupedSql('satisfaction_rate', { monthly: true });
    expect(monthly).toMatch(/^SELECT t, 'satisfaction_rate' AS series, /);
    expect(monthly).toContain('SELECT visit_month AS t, sumIf(satisfied, 1) AS numerator, sumIf(visits, 1) AS denominator FROM {{satisfaction_visits_monthly}} FINAL WHERE');
    expect(monthly).toContain('$TIME_OUTSIDE_WHOLE_MONTHS(visited_at)');
    // By person: the visits per responsible person, which leave out the visits without one, as the breakdown does.
    expect(kpiGroupedSql('satisfaction_rate', { label: 'responsible_id' })).toContain('{{satisfaction_people_monthly}}');
    // The visitor is no aggregate's column (a literal naming one does not count): the visits alone.
    expect(kpiGroupedSql('satisfaction_rate', { label: "if(visitor_id = '', 'department', visitor_id)" })).not.toContain('_monthly}}');
    expect(kpiGroupedSql('satisfaction_rate', { label: "if(department = '', 'visitor_id', department)" })).toContain('{{satisfaction_visits_monthly}}');
  });

  it('fail at build time, with the reason, when the aggregate a panel requires does not sum what it groups', () => {
    expect(() => kpiGroupedSql('satisfaction_rate', { label: 'visitor_id', aggregate: 'satisfaction_people_monthly' })).toThrow(/satisfaction_people_monthly: no group column visitor_id/);
    expect(() => kpiGroupedSql('repair_satisfaction', { label: 'responsible_id', aggregate: 'satisfaction_people_monthly' })).toThrow(/satisfaction_people_monthly: its rows or groups are not the KPI's/);
    expect(() => kpiGroupedSql('satisfaction_rate', { monthly: true, aggregate: 'cases_received_monthly' })).toThrow(/cases_received_monthly: not a sum of satisfaction/);
  });

  it('refuse a KPI that does not exist', () => {
    expect(() => kpiTemplate('happiness')).toThrow(/unknown KPI 'happiness'/);
  });
});

describe('the staff scorecard panel', () => {
  it('runs the scorecard of libs/analytics, rendered in the template language: every filter a macro, months from the range', () => {
    const panel = allPanels().find((p) => p.id === 'staff_scorecard')!;
    // Scoring only the project-months its 500 rows fall in (panels-on-chdb.int.spec: the rows of scoring them all).
    expect(panel.sql).toContain(staffScorecardSql(PANEL_DIALECT, { first: 500 }));
    expect(panel.sql).toMatch(/ORDER BY month DESC, project_id, rank, staff_id LIMIT 500$/);
    expect(filtersOf(panel.sql)).toEqual({ time: true, filters: ['project', 'department', 'staff'] });
    expect(toApiSql(panel.sql, (t) => t)).not.toMatch(/\$[A-Z]/);
  });
});
