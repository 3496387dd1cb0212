import { DEFAULT_WEIGHTS, FIRST_RESPONDER_CLOSURES_MONTHLY, STAFF_SCORECARD_ID, staffScorecardSql } from '@service-ledger/analytics';
import { withStaffNames } from './helpers';
import { kpiGroupedSql, PANEL_DIALECT } from './kpi';
import type { Panel } from './types';

const weights = DEFAULT_WEIGHTS;

/** The rows the scorecard panel shows; the SQL scores only the project-months they fall in (`first`). */
const SCORECARD_ROWS = 500;

/**
 * The staff scorecard of libs/analytics (`staffScorecardSql`, the one HR's export runs for a month) rendered in the
 * catalogue's template language: every month of the range, each scored with the weights in force for its project at
 * the month's end, which the `weights` column names.
 */
export const staffScorecard: Panel = {
  id: STAFF_SCORECARD_ID, viz: 'table', unit: 'score',
  columns: ['month', 'project_id', 'rank', 'staff_id', 'name', 'received', 'handled', 'on_time_rate', 'satisfaction_rate', 'reworks', 'score', 'weights'],
  title: { zh: '员工月度绩效与排名', en: 'Staff scorecard and ranking per month' },
  description: {
    zh: `按项目、按月：首问受理、处理、及时率、满意率、返修与综合得分（权重按项目当月末生效的政策，默认及时${weights.onTime}、满意${weights.satisfaction}、工作量${weights.volume}，每次返修扣${weights.reworkPenalty}分），与月度绩效导出一致。`,
    en: `Per project and month: first-responder jobs, handled, on-time and satisfaction rates, reworks and the composite score (weights: the project's policy in force at the end of the month; default on time ${weights.onTime}, satisfaction ${weights.satisfaction}, volume ${weights.volume}, −${weights.reworkPenalty} per rework), as in the monthly export.`,
  },
  sql: `SELECT month, project_id, rank, staff_id, name, received, handled, round(on_time_rate, 4) AS on_time_rate, round(satisfaction_rate, 4) AS satisfaction_rate, reworks, score,
      concat(weights_from, ': ', toString(weight_on_time), '/', toString(weight_satisfaction), '/', toString(weight_volume), '/−', toString(weight_rework_penalty)) AS weights
    FROM (${staffScorecardSql(PANEL_DIALECT, { first: SCORECARD_ROWS })})
    ORDER BY month DESC, project_id, rank, staff_id LIMIT ${SCORECARD_ROWS}`,
};

export const firstResponderFollowThrough: Panel = {
  id: 'first_responder_follow_through', kpi: 'follow_up_visit_rate', viz: 'bar', unit: 'percent', thresholds: { red: 0.95 }, columns: ['label', 'value'],
  title: { zh: '首问负责跟进率', en: 'First-responder follow-through' },
  description: {
    zh: '首问负责制：每人首问受理且已关闭的工作中，有回访的比例（回访率按首问人，至少3件）。',
    en: 'First-responder ownership: of the closed jobs each person took first, the share followed up with a visit (follow-up visit rate by first responder, at least 3 jobs).',
  },
  // Whole months from the closed jobs per first responder and month (aggregates.ts, migration 12), the rest from the cases.
  sql: `${withStaffNames(kpiGroupedSql('follow_up_visit_rate', { label: 'first_responder_id', minDenominator: 3, aggregate: FIRST_RESPONDER_CLOSURES_MONTHLY }))} ORDER BY value, label LIMIT 20`,
};
