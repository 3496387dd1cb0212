/**
 * Display names (Chinese, English) for the codes the projections and reports use: clocks, case types, complaint
 * natures, topics and causes, repair categories, statuses, departments, roles, visit methods and channels. The
 * dashboards and the KPI workbook translate with this one table; unknown codes are shown as they are.
 */
export const CODE_LABELS: Record<string, { zh: string; en: string }> = {
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
  // roles (gm_office and hr above, as departments)
  receptionist: { zh: '客服接待员', en: 'Receptionist' },
  supervisor: { zh: '客服主管', en: 'Service supervisor' },
  technician: { zh: '维修人员', en: 'Technician' },
  engineering_supervisor: { zh: '工程部主管', en: 'Engineering supervisor' },
  project_manager: { zh: '项目经理', en: 'Project manager' },
  auditor: { zh: '审计员', en: 'Auditor' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  // follow-up visit methods and channels
  phone: { zh: '电话', en: 'Phone' },
  door: { zh: '上门', en: 'At the door' },
  online: { zh: '线上', en: 'Online' },
  in_person: { zh: '来访', en: 'In person' },
  letter: { zh: '信访', en: 'Letter' },
  // complaint causes
  subjective: { zh: '主观原因', en: 'Subjective' },
  not_investigated: { zh: '未调查', en: 'Not investigated' },
  objective: { zh: '客观原因', en: 'Objective' },
  // breach report dimensions
  person: { zh: '责任人', en: 'Person' },
  category: { zh: '维修类别', en: 'Repair category' },
  building: { zh: '楼栋', en: 'Building' },
};
