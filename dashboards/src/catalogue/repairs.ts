import { kpiPanel, withStaffNames } from './helpers';
import { CASES_RECEIVED_MONTHLY, REPAIRS_COMPLETED_MONTHLY } from '@service-ledger/analytics';
import { kpiGroupedSql, kpiMonthlySql } from './kpi';
import type { Panel } from './types';

export const repairTimeliness = kpiPanel('repair_timeliness', { viz: 'gauge', unit: 'percent', thresholds: { red: 0.95 }, zh: '在时限内完工的维修单（急修24小时、一般72小时，暂停时间不计） ÷ 完工的维修单，按完工月份。' });
export const repairCompletion = kpiPanel('repair_completion', { viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, zh: '当月受理且已完工的维修单 ÷ 当月受理的维修单。' });
export const firstTimeFix = kpiPanel('first_time_fix', { viz: 'stat', unit: 'percent', thresholds: { red: 0.9 }, zh: '一次上门修好（未因待料暂停）且未返修的 ÷ 完工的维修单，按完工月份。' });
export const feesCollected = kpiPanel('fees_collected', { viz: 'stat', unit: 'yuan', zh: '在客服中心收取的维修费（元），按收费月份。' });

/** The completion rate's denominator is every order received in the month, so volumes agree with the exports. */
export const repairVolume: Panel = {
  id: 'repair_volume', kpi: 'repair_completion', viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
  title: { zh: '报修量（急修/一般，按月）', en: 'Repair orders per month, urgent vs general' },
  description: { zh: '每月受理的维修单，按急修与一般维修。', en: 'Orders received per month by category.' },
  sql: `${kpiGroupedSql('repair_completion', { monthly: true, series: "if(repair_category = '', 'unclassified', repair_category)", measure: 'denominator', aggregate: CASES_RECEIVED_MONTHLY })} ORDER BY t, series`,
};

/** Three of the four count by completion month, on-site by report month: whole months from the cases per month of each (migration 11). */
const TIMELINESS_TREND = ['repair_timeliness', 'urgent_on_site_2h', 'urgent_fixed_24h', 'general_fixed_72h'];

export const timelinessTrend: Panel = {
  id: 'repair_timeliness_trend', viz: 'timeseries', unit: 'percent', thresholds: { red: 0.95 }, columns: ['t', 'series', 'value'],
  title: { zh: '维修时效（按月）', en: 'Repair timeliness per month' },
  description: { zh: '维修及时率、急修2小时到场率、急修24小时与一般72小时修复率，逐月。', en: 'Repairs fixed in time, urgent on site within 2 h, urgent fixed within 24 h, general within 72 h, per month.' },
  sql: `SELECT * FROM (${kpiMonthlySql(TIMELINESS_TREND)}) ORDER BY t, series`,
};

export const onTimeByTechnician: Panel = {
  id: 'on_time_by_technician', kpi: 'repair_timeliness', viz: 'bar', unit: 'percent', thresholds: { red: 0.95 }, columns: ['label', 'value'],
  title: { zh: '各技工维修及时率（最低15名）', en: 'Repairs fixed in time by technician (lowest 15)' },
  description: { zh: '维修及时率按技工，至少3张完工单。', en: 'Repair timeliness per technician, at least 3 completed orders.' },
  // Whole months from the completed repairs per technician and month (aggregates.ts, migration 12), the rest from the cases.
  sql: `${withStaffNames(kpiGroupedSql('repair_timeliness', { label: 'technician_id', minDenominator: 3, aggregate: REPAIRS_COMPLETED_MONTHLY }))} ORDER BY value, label LIMIT 15`,
};

export const reworkByTechnician: Panel = {
  id: 'rework_by_technician', viz: 'bar', unit: 'count', columns: ['label', 'value'],
  title: { zh: '保修期内返修（按原技工）', en: 'Rework within warranty by original technician' },
  description: {
    zh: '时间范围内报修的返修单（三个月保修期内，免费），记在原维修单的技工名下。',
    en: 'Rework orders reported in the range (within the three-month warranty, free), counted against the original order’s technician.',
  },
  sql: `${withStaffNames(`SELECT rework_of_technician AS label, count() AS value FROM {{cases}} FINAL
      WHERE case_type = 'repair' AND rework_of != '' AND rework_of_technician != '' AND $TIME(opened_at) AND $PROJECT(project_id)
        AND $DEPARTMENT(department) AND $STAFF(rework_of_technician) GROUP BY label`)} ORDER BY value DESC, label LIMIT 15`,
};

export const feesTrend: Panel = {
  id: 'fees_trend', kpi: 'fees_collected', viz: 'timeseries', unit: 'yuan', columns: ['t', 'series', 'value'],
  title: { zh: '维修收费（按月）', en: 'Repair fees collected per month' },
  description: { zh: '每月在客服中心收取的维修费（元）。', en: 'Repair fees received at the service centre per month (yuan).' },
  sql: `${kpiGroupedSql('fees_collected', { monthly: true })} ORDER BY t`,
};
