import { COMPLAINTS_RECEIVED_MONTHLY } from '@service-ledger/analytics';
import { kpiPanel } from './helpers';
import { kpiGroupedSql, kpiMonthlySql } from './kpi';
import type { Panel } from './types';

export const complaintsReceived = kpiPanel('complaints_received', { viz: 'stat', unit: 'count', zh: '受理的投诉数，按受理月份。' });
export const validComplaintRate = kpiPanel('valid_complaint_rate', { viz: 'stat', unit: 'percent', thresholds: { red: 0.3, higherIsWorse: true }, zh: '核实为有效投诉的 ÷ 全部投诉，按受理月份。' });
export const complaintTimeliness = kpiPanel('complaint_timeliness', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '1 − 未按时回复（首次回复或承诺时间超时）的投诉 ÷ 投诉数，按受理月份。' });
export const reopenRate = kpiPanel('complaint_reopen_rate', { viz: 'stat', unit: 'percent', thresholds: { red: 0.1, higherIsWorse: true }, zh: '至少重开一次的投诉 ÷ 投诉数，按受理月份。' });
export const majorComplaints = kpiPanel('major_complaints', { viz: 'stat', unit: 'count', thresholds: { red: 1, higherIsWorse: true }, zh: '定为重大投诉（须即时上报总经理办公室）的数量，按受理月份。' });

/** Valid, the four communicative kinds, or unclassified. */
const NATURE = "if(nature = '', 'unclassified', if(nature = 'communicative' AND communicative_kind != '', communicative_kind, nature))";
const orUnclassified = (col: string) => `if(${col} = '', 'unclassified', ${col})`;

export const byNature: Panel = {
  id: 'complaints_by_nature', kpi: 'complaints_received', viz: 'pie', unit: 'count', columns: ['label', 'value'],
  title: { zh: '投诉性质', en: 'By nature' },
  description: { zh: '有效投诉与四类沟通性投诉（求助、咨询、建议、发泄）。', en: 'Valid complaints and the four kinds of communicative complaint.' },
  sql: `${kpiGroupedSql('complaints_received', { label: NATURE, aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY value DESC, label`,
};

export const byContent: Panel = {
  id: 'complaints_by_content', kpi: 'complaints_received', viz: 'pie', unit: 'count', columns: ['label', 'value'],
  title: { zh: '投诉内容', en: 'By content' },
  description: { zh: '设施设备、服务态度、服务质量、突发事件。', en: 'Facilities, service attitude, service quality, sudden events.' },
  sql: `${kpiGroupedSql('complaints_received', { label: orUnclassified('content'), aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY value DESC, label`,
};

export const byTopic: Panel = {
  id: 'complaints_by_topic', kpi: 'complaints_received', viz: 'bar', unit: 'count', columns: ['label', 'value'],
  title: { zh: '投诉话题', en: 'By topic' },
  description: { zh: '可配置的话题分类（保洁、安保、停车……）。', en: 'The configurable topic taxonomy (cleaning, security, parking …).' },
  sql: `${kpiGroupedSql('complaints_received', { label: orUnclassified('topic'), aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY value DESC, label`,
};

export const complaintsTrend: Panel = {
  id: 'complaints_trend', kpi: 'complaints_received', viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
  title: { zh: '投诉趋势（按月）', en: 'Complaints per month' },
  description: { zh: '每月受理的投诉，按有效/沟通性/未分类。', en: 'Complaints received per month: valid, communicative, unclassified.' },
  sql: `${kpiGroupedSql('complaints_received', { monthly: true, series: orUnclassified('nature'), aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY t, series`,
};

/** All three count complaints by receipt month: the whole months from the cases per receipt month (migration 11). */
const COMPLAINT_RATES_TREND = ['valid_complaint_rate', 'complaint_timeliness', 'complaint_reopen_rate'];

export const complaintRatesTrend: Panel = {
  id: 'complaint_rates_trend', viz: 'timeseries', unit: 'percent', columns: ['t', 'series', 'value'],
  title: { zh: '投诉有效率、及时率与重开率（按月）', en: 'Valid, timely and reopened complaints per month' },
  description: { zh: '三个投诉KPI逐月计算，与月度导出口径一致。', en: 'Three complaint KPIs per month, as in the monthly exports.' },
  sql: `SELECT * FROM (${kpiMonthlySql(COMPLAINT_RATES_TREND)}) ORDER BY t, series`,
};

export const majorComplaintList: Panel = {
  id: 'major_complaint_list', viz: 'table', unit: 'count', columns: ['case_id', 'opened', 'project_id', 'content', 'topic', 'status'],
  title: { zh: '重大投诉清单', en: 'Major complaints' },
  description: { zh: '时间范围内的重大投诉，最新的在前（不含投诉人信息）。', en: 'Major complaints in the range, latest first (no complainant details).' },
  sql: `SELECT case_id, formatDateTime(opened_at, '%Y-%m-%d %H:%i', $TZ) AS opened, project_id, content, topic, status FROM {{cases}} FINAL
    WHERE case_type = 'complaint' AND major = 1 AND $TIME(opened_at) AND $PROJECT(project_id) AND $DEPARTMENT(department)
      AND $STAFF_IN(first_responder_id, handler_id, technician_id) ORDER BY opened_at DESC LIMIT 50`,
};
