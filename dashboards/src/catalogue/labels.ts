import { KPIS } from '@service-ledger/analytics';
import type { Text } from './types';

/**
 * Display names for the codes panels return (clock names, complaint natures, categories, KPI ids as series …)
 * and for table columns. The page translates with these; unknown codes are shown as they are.
 */
export const VALUE_LABELS: Record<string, Text> = {
  // SLA clocks
  complaint_first_reply: { zh: '投诉首次回复（半个工作日）', en: 'Complaint first reply (½ working day)' },
  complaint_promised_reply: { zh: '投诉承诺时间回复', en: 'Complaint reply by promised time' },
  repair_arrival: { zh: '急修到场（2小时）', en: 'Urgent repair on site (2 h)' },
  repair_fix: { zh: '维修修复（24/72小时）', en: 'Repair fixed (24 h / 72 h)' },
  repair_assessment: { zh: '非标项目评估（15分钟）', en: 'Non-standard item assessed (15 min)' },
  help_answer: { zh: '求助答复（5分钟）', en: 'Help request answered (5 min)' },
  follow_up_visit: { zh: '回访', en: 'Follow-up visit' },
  // case types
  complaint: { zh: '投诉', en: 'Complaint' },
  repair: { zh: '报修', en: 'Repair' },
  help_request: { zh: '求助/问询', en: 'Help request' },
  courtesy_visit: { zh: '走访', en: 'Courtesy visit' },
  // complaint nature and kinds
  valid: { zh: '有效投诉', en: 'Valid' },
  communicative: { zh: '沟通性投诉', en: 'Communicative' },
  help_seeking: { zh: '求助型', en: 'Help-seeking' },
  inquiry: { zh: '咨询型', en: 'Inquiry' },
  suggestion: { zh: '建议型', en: 'Suggestion' },
  venting: { zh: '发泄型', en: 'Venting' },
  unclassified: { zh: '未分类', en: 'Unclassified' },
  // complaint content
  facilities: { zh: '设施设备', en: 'Facilities' },
  service_attitude: { zh: '服务态度', en: 'Service attitude' },
  service_quality: { zh: '服务质量', en: 'Service quality' },
  sudden_event: { zh: '突发事件', en: 'Sudden event' },
  // complaint topics (the default taxonomy)
  cleaning: { zh: '保洁', en: 'Cleaning' },
  security: { zh: '安保', en: 'Security' },
  parking: { zh: '停车', en: 'Parking' },
  noise: { zh: '噪音', en: 'Noise' },
  greening: { zh: '绿化', en: 'Greening' },
  fees: { zh: '收费', en: 'Fees' },
  lifts: { zh: '电梯', en: 'Lifts' },
  water: { zh: '供水', en: 'Water' },
  power: { zh: '供电', en: 'Power' },
  neighbours: { zh: '邻里', en: 'Neighbours' },
  decoration: { zh: '装修', en: 'Decoration' },
  // repair categories and states
  urgent: { zh: '急修', en: 'Urgent' },
  general: { zh: '一般维修', en: 'General' },
  breached: { zh: '已超时', en: 'Breached' },
  at_risk: { zh: '即将超时', en: 'At risk' },
  // case statuses
  open: { zh: '已受理', en: 'Open' },
  dispatched: { zh: '已派工', en: 'Dispatched' },
  on_site: { zh: '已到场', en: 'On site' },
  in_progress: { zh: '处理中', en: 'In progress' },
  handled: { zh: '已处理', en: 'Handled' },
  completed: { zh: '已完工', en: 'Completed' },
  quote_declined: { zh: '业主拒绝报价', en: 'Quote declined' },
  answered: { zh: '已答复', en: 'Answered' },
  visited: { zh: '已回访', en: 'Visited' },
  reopened: { zh: '已重开', en: 'Reopened' },
  reviewed: { zh: '已总结', en: 'Reviewed' },
  archived: { zh: '已归档', en: 'Archived' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  // departments
  customer_service: { zh: '客户服务中心', en: 'Customer service' },
  engineering: { zh: '工程部', en: 'Engineering' },
  management: { zh: '项目管理', en: 'Management' },
  gm_office: { zh: '总经理办公室', en: "General manager's office" },
  hr: { zh: '人力资源', en: 'HR' },
  audit: { zh: '审计', en: 'Audit' },
  it: { zh: '信息技术', en: 'IT' },
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
};
