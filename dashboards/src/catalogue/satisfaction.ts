import { CLOSED_CASES_MONTHLY, SATISFACTION_PEOPLE_MONTHLY, SATISFACTION_VISITS_MONTHLY } from '@service-ledger/analytics';
import { kpiPanel, maskDigits, withStaffNames } from './helpers';
import { kpiGroupedSql } from './kpi';
import type { Panel } from './types';

export const satisfactionRate = kpiPanel('satisfaction_rate', { viz: 'gauge', unit: 'percent', thresholds: { red: 0.9 }, zh: '满意的回访 ÷ 回访次数（报修与投诉），按回访月份。' });
export const followUpRate = kpiPanel('follow_up_visit_rate', { viz: 'gauge', unit: 'percent', thresholds: { red: 0.95 }, zh: '有回访的已关闭工作（完工报修、已处理投诉） ÷ 已关闭工作，按关闭月份。' });
export const repairSatisfaction = kpiPanel('repair_satisfaction', { viz: 'stat', unit: 'percent', thresholds: { red: 0.9 }, zh: '报修回访中满意的 ÷ 报修回访次数，按回访月份。' });

export const satisfactionTrend: Panel = {
  id: 'satisfaction_trend', kpi: 'satisfaction_rate', viz: 'timeseries', unit: 'percent', thresholds: { red: 0.9 }, columns: ['t', 'series', 'value'],
  title: { zh: '满意率与回访率（按月）', en: 'Satisfaction and follow-up visit rates per month' },
  description: { zh: '两个KPI按各自的计入月份（回访月份、关闭月份）逐月计算。', en: 'Both KPIs per month, each in the month its definition counts a case in (visit, closure).' },
  sql: `SELECT * FROM (${kpiGroupedSql('satisfaction_rate', { monthly: true, aggregate: SATISFACTION_VISITS_MONTHLY })}
    UNION ALL ${kpiGroupedSql('follow_up_visit_rate', { monthly: true, aggregate: CLOSED_CASES_MONTHLY })}) ORDER BY t, series`,
};

export const satisfactionByProject: Panel = {
  id: 'satisfaction_by_project', kpi: 'satisfaction_rate', viz: 'bar', unit: 'percent', thresholds: { red: 0.9 }, columns: ['label', 'value'],
  title: { zh: '各项目满意率', en: 'Satisfaction by project' },
  description: { zh: '满意率（满意 ÷ 回访）按项目。', en: 'Satisfaction rate (satisfied ÷ visited) per project.' },
  sql: `${kpiGroupedSql('satisfaction_rate', { label: 'project_id', aggregate: SATISFACTION_VISITS_MONTHLY })} ORDER BY label`,
};

export const satisfactionByDepartment: Panel = {
  id: 'satisfaction_by_department', kpi: 'satisfaction_rate', viz: 'bar', unit: 'percent', thresholds: { red: 0.9 }, columns: ['label', 'value'],
  title: { zh: '各部门满意率', en: 'Satisfaction by department' },
  description: { zh: '满意率按负责部门。', en: 'Satisfaction rate per responsible department.' },
  sql: `${kpiGroupedSql('satisfaction_rate', { label: 'department', aggregate: SATISFACTION_VISITS_MONTHLY })} ORDER BY label`,
};

export const satisfactionByPerson: Panel = {
  id: 'satisfaction_by_person', kpi: 'satisfaction_rate', viz: 'bar', unit: 'percent', thresholds: { red: 0.9 }, columns: ['label', 'value'],
  title: { zh: '各员工满意率（最低15名）', en: 'Satisfaction by person (lowest 15)' },
  description: { zh: '满意率按负责的技工或处理人，至少3次回访。', en: 'Satisfaction rate per responsible technician or handler, at least 3 visits.' },
  sql: `${withStaffNames(kpiGroupedSql('satisfaction_rate', { label: 'responsible_id', minDenominator: 3, aggregate: SATISFACTION_PEOPLE_MONTHLY }))} ORDER BY value, label LIMIT 15`,
};

export const unsatisfiedComments: Panel = {
  id: 'unsatisfied_comments', viz: 'table', unit: 'count', columns: ['visited', 'project_id', 'case_type', 'department', 'remarks'],
  title: { zh: '不满意回访意见', en: 'Unsatisfied follow-up comments' },
  description: {
    zh: '最近的不满意回访及意见。不含业主姓名、电话；意见中的长串数字（电话、证件号）已隐去。',
    en: 'Latest unsatisfied visits and their remarks. No owner names or phones; long digit runs in remarks (phones, ID numbers) are masked.',
  },
  sql: `SELECT formatDateTime(visited_at, '%Y-%m-%d %H:%i', $TZ) AS visited, project_id, case_type, department, ${maskDigits('remarks')} AS remarks
    FROM {{satisfaction}} FINAL WHERE satisfied = 0 AND $TIME(visited_at) AND $PROJECT(project_id) AND $DEPARTMENT(department)
      AND $STAFF_IN(responsible_id, visitor_id) ORDER BY visited_at DESC LIMIT 30`,
};
