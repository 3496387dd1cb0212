import { clockStatusNow, type KpiDialect, kpiConditions, PARAMETERS, renderKpi } from './builder';
import { KPIS } from './definitions';
import { drilldownSql, kpiSql } from './drilldown';
import { groupedKpiSql } from './run';
import { staffScorecardSql } from './staff-scorecard';

const kpi = (id: string) => KPIS.find((k) => k.id === id)!;

describe('one KPI builder', () => {
  it('kpi sql prints exactly what the KPI run, the grouped export pass and the drill-down execute', () => {
    for (const k of KPIS) {
      expect(kpiSql(k.id)).toBe(k.sql);
      expect(kpiSql(k.id, 'by-project')).toBe(groupedKpiSql(k));
      expect(kpiSql(k.id, 'cases')).toBe(drilldownSql(k));
    }
    expect(() => kpiSql('happiness')).toThrow(/no KPI happiness/);
    expect(() => kpiSql('repair_timeliness', 'pie' as never)).toThrow(/shape/);
  });

  it('kpi sql staff_scorecard prints the scorecard the export runs: one month, filters as parameters, weights named', () => {
    const sql = kpiSql('staff_scorecard');
    expect(sql).toBe(staffScorecardSql(PARAMETERS));
    expect(sql).toContain('toYYYYMM(credited_at, {tz:String}) = {month:UInt32}');
    expect(sql).toMatch(/AS weights_from/);
    // The person filter applies after the ranking (outermost WHERE), so it cannot change a score or a rank.
    expect(sql.slice(sql.lastIndexOf('WHERE'))).toContain("card.staff_id = {staff:String}");
    expect(() => kpiSql('staff_scorecard', 'cases')).toThrow(/shape/);
  });

  it('every rendering of a KPI keeps its conditions: the same filters and month, whatever the shape', () => {
    for (const k of KPIS) {
      const where = `WHERE ${kpiConditions(k.id, k.query, PARAMETERS).join(' AND ')}`;
      for (const sql of [k.sql, groupedKpiSql(k), drilldownSql(k)]) expect(sql).toContain(where);
    }
  });

  it('renders the rate definitions from their parts', () => {
    expect(kpi('repair_timeliness').sql).toBe(
      "SELECT countIf(fix_status = 'met') AS numerator, count() AS denominator FROM {{cases}} FINAL WHERE case_type = 'repair' AND completed_at IS NOT NULL" +
        " AND ({project:String} = '' OR project_id = {project:String}) AND ({department:String} = '' OR department = {department:String})" +
        " AND ({staff:String} = '' OR {staff:String} IN (first_responder_id, handler_id, technician_id)) AND toYYYYMM(completed_at, {tz:String}) = {month:UInt32}",
    );
    // The rework rate counts its denominator over the three months of the warranty window ending with the month.
    expect(kpi('rework_rate').sql).toContain("countIf((completed_at IS NOT NULL) AND toYYYYMM(completed_at, {tz:String}) BETWEEN toYYYYMM(addMonths(toDate(concat(toString({month:UInt32}), '01')), -2)) AND {month:UInt32}) AS denominator");
    // Complaints minus those not replied to in time; the drill-down lists the same cases.
    expect(kpi('complaint_timeliness').sql).toMatch(/^SELECT count\(\) - countIf\(.+\) AS numerator, count\(\) AS denominator/);
    expect(drilldownSql(kpi('complaint_timeliness'))).toMatch(/^SELECT groupArrayIf\(case_id, \(NOT ifNull\(.+, 0\)\)\) AS numerator, groupArray\(case_id\) AS denominator/);
  });

  it('a dialect that cannot express a window refuses the KPI by name', () => {
    const noMonths: KpiDialect = { ...PARAMETERS, name: 'a time range', inMonths: (c, months) => (months === 1 ? PARAMETERS.inMonth(c) : null) };
    expect(() => renderKpi('rework_rate', kpi('rework_rate').query, { kind: 'figures' }, noMonths)).toThrow(/rework_rate.*3-month window on completed_at/);
    expect(renderKpi('repair_timeliness', kpi('repair_timeliness').query, { kind: 'figures' }, noMonths)).toBe(kpi('repair_timeliness').sql);
  });

  it('"breached now": a running clock past its deadline, unless paused', () => {
    expect(clockStatusNow({ status: 's', deadline: 'd' })).toBe("if(s = 'running' AND d IS NOT NULL AND d < now64(3), 'breached', s)");
    expect(clockStatusNow({ status: 's', deadline: 'd', paused: 'p' })).toBe("if(s = 'running' AND p = 0 AND d IS NOT NULL AND d < now64(3), 'breached', s)");
    expect(clockStatusNow({ status: 's', deadline: 'd', now: '{now:DateTime64(3)}' })).toBe("if(s = 'running' AND d IS NOT NULL AND d < {now:DateTime64(3)}, 'breached', s)");
  });
});
