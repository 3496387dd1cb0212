import { clockStatus, LIVE_AGGREGATE_ROWS, REPAIRS_RECEIVED_MONTHLY } from '@service-ledger/analytics';
import { aggregateSum, clockStatusNow, kpiPanel, rate } from './helpers';
import type { Panel } from './types';

export const urgentOnSite = kpiPanel('urgent_on_site_2h', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '2小时内到场的急修单 ÷ 到场时限已判定的急修单，按报修月份。' });
export const urgentFixed = kpiPanel('urgent_fixed_24h', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '24小时内修复的急修单 ÷ 完工的急修单，按完工月份。' });
export const generalFixed = kpiPanel('general_fixed_72h', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '72小时内修复的一般维修单 ÷ 完工的一般维修单，按完工月份。' });
export const complaintFirstReply = kpiPanel('complaint_first_reply_half_day', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '半个工作日内首次回复的投诉 ÷ 首次回复时限已判定的投诉，按受理月份。' });

/**
 * Open clocks as of now: no time range (they are open now), filtered by project and responsible person. They are read
 * from the aggregate of open clocks (libs/analytics aggregates.ts: per project, case-opened month and person, the
 * running unpaused clocks' deadline, warning point, case and clock), which the projector keeps after each batch: far
 * fewer rows than the clocks, which every open-now panel would otherwise read whole with FINAL.
 */
const OPEN_NOW = `FROM {{sla_open_clocks}} FINAL WHERE $PROJECT(project_id) AND $STAFF(responsible_id)`;

export const breachedNow: Panel = {
  id: 'breached_now', viz: 'stat', unit: 'count', thresholds: { red: 1, higherIsWorse: true }, columns: ['value'],
  title: { zh: '当前已超时（未完成）', en: 'Open and breached now' },
  description: { zh: '仍在计时且已过截止时间的时限（暂停中的不计）。', en: 'Running clocks past their deadline (paused clocks excluded).' },
  sql: `SELECT sum(arrayCount(c -> c.deadline < now64(3), open_clocks)) AS value ${OPEN_NOW}`,
};

export const atRiskNowCount: Panel = {
  id: 'at_risk_now_count', viz: 'stat', unit: 'count', thresholds: { red: 1, higherIsWorse: true }, columns: ['value'],
  title: { zh: '当前即将超时', en: 'At risk now' },
  description: { zh: '已过预警点（默认用时75%）但未到截止时间的时限。', en: 'Running clocks past their warning point (75 % of the allowed time by default), not yet due.' },
  sql: `SELECT sum(arrayCount(c -> c.warning_at < now64(3) AND c.deadline >= now64(3), open_clocks)) AS value ${OPEN_NOW}`,
};

/**
 * Clocks started in the range, per clock or per project (`label`): how many (`clocks_n`), met, breached and decided now (met or
 * breached; a running clock past its deadline is breached). The months lying wholly in the range come from the
 * monthly aggregate (libs/analytics aggregates.ts), whose running clocks' deadlines are compared with now here; the
 * rest of the range (a part month, another time zone) from the clocks themselves.
 */
const startedClocks = (by: 'clock' | 'project_id') => {
  const breachedNow = 'arrayCount(d -> d < now64(3), running_deadlines)';
  return `SELECT ${by} AS label, sum(source_rows) AS clocks_n, sum(met) AS met_n, sum(breached + ${breachedNow}) AS breached_n, sum(met + breached + ${breachedNow}) AS decided_n
      FROM {{sla_clocks_started_monthly}} FINAL WHERE $WHOLE_MONTHS(start_month) AND $PROJECT(project_id) AND $STAFF(responsible_id) GROUP BY label
    UNION ALL
    SELECT label, count() AS clocks_n, countIf(s = 'met') AS met_n, countIf(s = 'breached') AS breached_n, countIf(s IN ('met', 'breached')) AS decided_n
      FROM (SELECT ${by} AS label, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL
            WHERE $TIME_OUTSIDE_WHOLE_MONTHS(started_at) AND $PROJECT(project_id) AND $STAFF(responsible_id))
      GROUP BY label`;
};

export const onTimeByClock: Panel = {
  id: 'on_time_by_clock', viz: 'bar', unit: 'percent', thresholds: { red: 0.95 }, columns: ['label', 'value'],
  title: { zh: '各时限达标率', en: 'On-time rate per clock' },
  description: {
    zh: '时间范围内开始计时的时限中，达标数 ÷ 已判定数（达标或超时；仍在计时但已过截止时间的算超时）。',
    en: 'Clocks started in the range: met ÷ decided (met or breached; a running clock past its deadline counts as breached).',
  },
  sql: `SELECT label, ${rate('sum(met_n)', 'sum(decided_n)')} AS value FROM (${startedClocks('clock')}) GROUP BY label HAVING sum(clocks_n) > 0 ORDER BY label`,
};

export const atRiskNow: Panel = {
  id: 'at_risk_now', viz: 'table', unit: 'count', columns: ['case_id', 'clock', 'project_id', 'responsible_id', 'due', 'state'],
  title: { zh: '即将超时与已超时（未完成）', en: 'Open items at risk and breached now' },
  description: { zh: '已过预警点的在办时限，最紧急的在前。', en: 'Running clocks past their warning point, most urgent first.' },
  // Clocks due at the same instant in case and clock order, so the 50 shown are always the same ones.
  sql: `SELECT c.case_id AS case_id, c.clock AS clock, project_id, responsible_id, formatDateTime(c.deadline, '%Y-%m-%d %H:%i', $TZ) AS due,
      if(c.deadline < now64(3), 'breached', 'at_risk') AS state
    FROM {{sla_open_clocks}} FINAL ARRAY JOIN open_clocks AS c WHERE $PROJECT(project_id) AND $STAFF(responsible_id) AND c.warning_at < now64(3)
    ORDER BY c.deadline, case_id, clock LIMIT 50`,
};

export const breachTrend: Panel = {
  id: 'breach_trend', viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
  title: { zh: '超时趋势（按周）', en: 'Breaches per week' },
  description: { zh: '按截止时间所在周统计的超时数，分时限。', en: 'Breached clocks by the week their deadline passed, per clock.' },
  // Whole months from the weekly aggregate (a week across a month's end is in two rows, one per month), the rest of
  // the range from the clocks; running clocks count once past their deadline.
  sql: `SELECT t, series, sum(n) AS value FROM (
      SELECT due_week AS t, clock AS series, sum(breached + arrayCount(d -> d < now64(3), running_deadlines)) AS n
      FROM {{sla_breaches_weekly}} FINAL WHERE $WHOLE_MONTHS(due_month) AND $PROJECT(project_id) AND $STAFF(responsible_id) GROUP BY t, series
      UNION ALL
      SELECT toStartOfWeek(deadline, 1, $TZ) AS t, clock AS series, count() AS n
      FROM (SELECT clock, deadline, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL
            WHERE $TIME_OUTSIDE_WHOLE_MONTHS(deadline) AND $PROJECT(project_id) AND $STAFF(responsible_id))
      WHERE s = 'breached' GROUP BY t, series)
    GROUP BY t, series HAVING value > 0 ORDER BY t, series`,
};

export const worstProjects: Panel = {
  id: 'worst_projects', viz: 'bar', unit: 'percent', thresholds: { red: 0.05, higherIsWorse: true }, columns: ['label', 'value'],
  title: { zh: '超时率最高的项目', en: 'Worst projects' },
  description: { zh: '各项目已判定时限中超时的比例（全部时限）。', en: 'Share of decided clocks that were breached, per project (all clocks).' },
  sql: `SELECT label, ${rate('sum(breached_n)', 'sum(decided_n)')} AS value FROM (${startedClocks('project_id')}) GROUP BY label HAVING sum(clocks_n) > 0 ORDER BY value DESC LIMIT 10`,
};

/** A repair's fix clock breached, and decided (met or breached), now. */
const FIX_BREACHED = `${clockStatus('fix')} = 'breached'`;
const FIX_DECIDED = `${clockStatus('fix')} IN ('met', 'breached')`;

export const worstBuildings: Panel = {
  id: 'worst_buildings', viz: 'bar', unit: 'percent', thresholds: { red: 0.1, higherIsWorse: true }, columns: ['label', 'value'],
  title: { zh: '维修超时最多的楼栋', en: 'Worst buildings for repairs' },
  description: { zh: '各项目各楼栋维修修复时限的超时比例（至少3单，最差10个）。', en: 'Share of decided repair-fix clocks breached, per project and building (at least 3 orders, worst 10).' },
  // The months the range covers wholly from the repairs per receipt month and building (aggregates.ts, migration 15;
  // running fix clocks kept as their deadlines, checked against now here); the rest of the range, or all of it with a
  // person filter (three person columns the aggregate has not), from the cases. Ties in order of the label (they
  // were unordered).
  sql: `SELECT concat(project_id, ' / ', if(building = '', '?', building)) AS label, ${rate('sum(breached)', 'sum(decided)')} AS value FROM (
      SELECT project_id, building, ${aggregateSum(REPAIRS_RECEIVED_MONTHLY, FIX_BREACHED)} AS breached, ${aggregateSum(REPAIRS_RECEIVED_MONTHLY, FIX_DECIDED)} AS decided
        FROM {{${REPAIRS_RECEIVED_MONTHLY}}} FINAL WHERE ${LIVE_AGGREGATE_ROWS} AND $WHOLE_MONTHS(received_month) AND $ALL_STAFF AND $PROJECT(project_id) AND $DEPARTMENT(department)
        GROUP BY project_id, building
      UNION ALL
      SELECT project_id, building, countIf(${FIX_BREACHED}) AS breached, countIf(${FIX_DECIDED}) AS decided
        FROM {{cases}} FINAL WHERE case_type = 'repair' AND (($TIME_OUTSIDE_WHOLE_MONTHS(opened_at) AND $ALL_STAFF) OR ($TIME(opened_at) AND NOT $ALL_STAFF))
          AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF_IN(first_responder_id, handler_id, technician_id)
        GROUP BY project_id, building)
    GROUP BY label HAVING sum(decided) >= 3 ORDER BY value DESC, label LIMIT 10`,
};
