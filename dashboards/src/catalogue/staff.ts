import { DEFAULT_WEIGHTS } from '@service-ledger/analytics';
import { withStaffNames } from './helpers';
import { kpiGroupedSql } from './kpi';
import type { Panel } from './types';

const weights = DEFAULT_WEIGHTS;

/**
 * The score weights of a project in force at the end of the month, as `weightsForMonth` picks them: the project's own
 * latest change that sets weights (by effective instant, then log position), else the company's, else the defaults.
 * The changes are the PolicyChanged events the projector stored (copied into `event_facts`).
 */
const WEIGHT_CHANGES = `(SELECT groupArray((JSONExtractString(data, 'scope'), parseDateTime64BestEffort(JSONExtractString(data, 'effectiveFrom'), 3, 'UTC'), position,
    (JSONExtractFloat(data, 'sections', 'scoreWeights', 'onTime'), JSONExtractFloat(data, 'sections', 'scoreWeights', 'satisfaction'),
     JSONExtractFloat(data, 'sections', 'scoreWeights', 'volume'), JSONExtractFloat(data, 'sections', 'scoreWeights', 'reworkPenalty'))))
  FROM {{event_facts}} FINAL WHERE type = 'PolicyChanged' AND JSONHas(data, 'sections', 'scoreWeights'))`;
const WEIGHTS_IN_FORCE = `arrayLast(x -> 1, arrayConcat([(toFloat64(${weights.onTime}), toFloat64(${weights.satisfaction}), toFloat64(${weights.volume}), toFloat64(${weights.reworkPenalty}))],
    arrayMap(x -> x.4, arraySort(x -> (x.1 = project_id, x.2, x.3),
      arrayFilter(x -> (x.1 = project_id OR x.1 = 'company') AND x.2 < toDateTime64(toDateTime(addMonths(month, 1), $TZ), 3), ${WEIGHT_CHANGES})))))`;

/**
 * The staff scorecard of libs/analytics (`staffScorecard`, the one HR's export uses) computed in SQL for every
 * month of the range, so Grafana can show it too; a test holds the two equal month by month. Credits follow
 * 首问负责制: first-responder jobs in the month received, handled jobs in the month closed, reworks in the month
 * reported; on-time counts each clock for the person who answers for it, in the month of that credit. Score = on-time × w + satisfaction × w + volume × handled ÷ most handled in the project and month
 * − penalty × reworks, floored at 0; a missing rate counts as 1; equal scores share a rank.
 */
export const staffScorecard: Panel = {
  id: 'staff_scorecard', viz: 'table', unit: 'score',
  columns: ['month', 'project_id', 'rank', 'staff_id', 'name', 'received', 'handled', 'on_time_rate', 'satisfaction_rate', 'reworks', 'score'],
  title: { zh: '员工月度绩效与排名', en: 'Staff scorecard and ranking per month' },
  description: {
    zh: `按项目、按月：首问受理、处理、及时率、满意率、返修与综合得分（权重按项目当月末生效的政策，默认及时${weights.onTime}、满意${weights.satisfaction}、工作量${weights.volume}，每次返修扣${weights.reworkPenalty}分），与月度绩效导出一致。`,
    en: `Per project and month: first-responder jobs, handled, on-time and satisfaction rates, reworks and the composite score (weights: the project's policy in force at the end of the month; default on time ${weights.onTime}, satisfaction ${weights.satisfaction}, volume ${weights.volume}, −${weights.reworkPenalty} per rework), as in the monthly export.`,
  },
  sql: `SELECT formatDateTime(month, '%Y-%m') AS month, project_id, rank() OVER (PARTITION BY month, project_id ORDER BY score DESC) AS rank,
      staff_id, name, received, handled, round(on_time_raw, 4) AS on_time_rate, round(satisfaction_raw, 4) AS satisfaction_rate, reworks, score
    FROM (
      SELECT month, project_id, staff_id, name, received, handled, reworks, on_time_raw, satisfaction_raw,
        round(greatest(0, w.1 * ifNull(on_time_raw, 1) + w.2 * ifNull(satisfaction_raw, 1)
          + w.3 * handled / greatest(1, max(handled) OVER (PARTITION BY month, project_id)) - w.4 * reworks), 2) AS score
      FROM (
      SELECT *, ${WEIGHTS_IN_FORCE} AS w
      FROM (
        SELECT toStartOfMonth(c.credited_at, $TZ) AS month, c.project_id AS project_id, c.staff_id AS staff_id, any(st.name) AS name,
          countIf(c.credit = 'first_responder') AS received, countIf(c.credit = 'handler') AS handled,
          countIf(c.credit = 'rework_attributed') AS reworks,
          if(countIf(c.on_time IS NOT NULL) = 0, NULL, countIf(c.on_time = 1) / countIf(c.on_time IS NOT NULL)) AS on_time_raw,
          if(countIf(c.credit = 'handler' AND c.satisfied IS NOT NULL) = 0, NULL,
            countIf(c.credit = 'handler' AND c.satisfied = 1) / countIf(c.credit = 'handler' AND c.satisfied IS NOT NULL)) AS satisfaction_raw
        FROM (SELECT project_id, staff_id, credit, on_time, satisfied, if(credit IN ('handler', 'visitor'), closed_at, received_at) AS credited_at
              FROM {{staff_performance}} FINAL WHERE credit NOT IN ('handler', 'visitor') OR closed_at IS NOT NULL) AS c
        LEFT JOIN (SELECT staff_id, name, department FROM {{staff}} FINAL) AS st ON st.staff_id = c.staff_id
        WHERE $TIME(c.credited_at) AND $PROJECT(c.project_id) AND $DEPARTMENT(st.department) AND $STAFF(c.staff_id)
        GROUP BY month, project_id, staff_id
        HAVING received + handled + reworks > 0)))
    ORDER BY month DESC, project_id, rank, staff_id LIMIT 500`,
};

export const firstResponderFollowThrough: Panel = {
  id: 'first_responder_follow_through', kpi: 'follow_up_visit_rate', viz: 'bar', unit: 'percent', thresholds: { red: 0.95 }, columns: ['label', 'value'],
  title: { zh: '首问负责跟进率', en: 'First-responder follow-through' },
  description: {
    zh: '首问负责制：每人首问受理且已关闭的工作中，有回访的比例（回访率按首问人，至少3件）。',
    en: 'First-responder ownership: of the closed jobs each person took first, the share followed up with a visit (follow-up visit rate by first responder, at least 3 jobs).',
  },
  sql: `${withStaffNames(kpiGroupedSql('follow_up_visit_rate', { label: 'first_responder_id', minDenominator: 3 }))} ORDER BY value, label LIMIT 20`,
};
