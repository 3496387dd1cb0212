import { KPIS } from '@service-ledger/analytics';
import { CODE_LABELS } from '@service-ledger/core';
import type { Text } from './types';

/**
 * Display names for the codes panels return (clock names, complaint natures, categories, KPI ids as series …)
 * and for table columns. The page translates with these; unknown codes are shown as they are.
 */
export const VALUE_LABELS: Record<string, Text> = {
  ...CODE_LABELS,
  // KPI ids (series of the trend panels), named as in the KPI exports
  ...Object.fromEntries(KPIS.map((k) => [k.id, { zh: k.zh, en: k.en }])),
};

export const COLUMN_LABELS: Record<string, Text> = {
  case_id: { zh: '单号', en: 'Case' },
  clock: { zh: '时限', en: 'Clock' },
  project_id: { zh: '项目', en: 'Project' },
  responsible_id: { zh: '责任人', en: 'Responsible' },
  due: { zh: '截止时间', en: 'Due' },
  state: { zh: '状态', en: 'State' },
  visited: { zh: '回访时间', en: 'Visited' },
  case_type: { zh: '类型', en: 'Type' },
  department: { zh: '部门', en: 'Department' },
  remarks: { zh: '意见', en: 'Remarks' },
  opened: { zh: '受理时间', en: 'Received' },
  content: { zh: '内容', en: 'Content' },
  topic: { zh: '话题', en: 'Topic' },
  status: { zh: '状态', en: 'Status' },
  month: { zh: '月份', en: 'Month' },
  staff_id: { zh: '工号', en: 'Staff id' },
  name: { zh: '姓名', en: 'Name' },
  received: { zh: '首问受理', en: 'Received (first responder)' },
  handled: { zh: '处理', en: 'Handled' },
  on_time_rate: { zh: '及时率', en: 'On-time rate' },
  satisfaction_rate: { zh: '满意率', en: 'Satisfaction rate' },
  reworks: { zh: '返修', en: 'Reworks' },
  score: { zh: '综合得分', en: 'Score' },
  rank: { zh: '排名', en: 'Rank' },
  breaches: { zh: '超时数', en: 'Breaches' },
  clocks_due: { zh: '到期数', en: 'Clocks due' },
  breach_rate: { zh: '超时率', en: 'Breach %' },
  avg_hours_over: { zh: '平均超时（小时）', en: 'Avg hours over' },
  max_hours_over: { zh: '最长超时（小时）', en: 'Max hours over' },
  satisfied: { zh: '满意', en: 'Satisfied' },
  visits: { zh: '回访', en: 'Visited' },
  building: { zh: '楼栋', en: 'Building' },
  unit: { zh: '房号', en: 'Unit' },
  complaints: { zh: '投诉量', en: 'Complaints' },
  owner_ref: { zh: '业主编号（化名）', en: 'Owner ref' },
  repeat_complaints: { zh: '重复投诉', en: 'Repeat complaints' },
  last_complaint: { zh: '最近投诉', en: 'Last complaint' },
};
