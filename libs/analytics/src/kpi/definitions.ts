/**
 * Every KPI of docs/domain.md, defined once: what counts in the numerator and the denominator, and the time the case
 * falls in. Each `sql` returns one row (numerator, denominator) for the filters month (YYYYMM in the configured
 * time zone), project, department and staff (empty string = all), always as ClickHouse query parameters.
 * Each is one SELECT of aggregates over one table with a project_id column, ending with its WHERE clause, so that
 * it can also be grouped by project (`groupedKpiSql`, the monthly export's one pass over all projects).
 * KPI.md beside this library is generated from this list (`npm run kpi:docs`) and checked by a test.
 */
export interface KpiDefinition {
  id: string;
  zh: string;
  en: string;
  group: 'repairs' | 'complaints' | 'visits';
  numerator: string;
  denominator: string;
  /** Which instant puts a case in a month. */
  month: string;
  /** 'rate' (numerator ÷ denominator), 'count' or 'amount' (fen). */
  kind: 'rate' | 'count' | 'amount';
  sql: string;
}

const IN_MONTH = (col: string) => `toYYYYMM(${col}, {tz:String}) = {month:UInt32}`;
/** The common filters; staff matches the first responder, the handler or the technician. */
const FILTERS = `({project:String} = '' OR project_id = {project:String})
  AND ({department:String} = '' OR department = {department:String})
  AND ({staff:String} = '' OR {staff:String} IN (first_responder_id, handler_id, technician_id))`;
const CASES = (type: string) => `FROM {{cases}} FINAL WHERE case_type = '${type}' AND ${FILTERS}`;
/**
 * A clock's status as of the query: a clock still running past its deadline is breached now (the projection
 * records clocks as of each case's last event, so that replays are exact).
 */
export const clockStatus = (prefix: string) =>
  `if(${prefix}_status = 'running' AND ${prefix}_deadline IS NOT NULL AND ${prefix}_deadline < now64(3), 'breached', ${prefix}_status)`;
const decided = (prefix: string) => `${clockStatus(prefix)} IN ('met', 'breached')`;

export const KPIS: KpiDefinition[] = [
  {
    id: 'repair_timeliness', zh: '维修及时率', en: 'Repairs fixed within their limit', group: 'repairs', kind: 'rate',
    numerator: 'orders completed within their limit (urgent 24 h, general 72 h, paused time excluded)', denominator: 'orders completed', month: 'completion',
    sql: `SELECT countIf(fix_status = 'met') AS numerator, count() AS denominator ${CASES('repair')} AND completed_at IS NOT NULL AND ${IN_MONTH('completed_at')}`,
  },
  {
    id: 'repair_completion', zh: '维修完成率', en: 'Repair completion rate', group: 'repairs', kind: 'rate',
    numerator: 'orders received in the month that are completed', denominator: 'orders received (cancelled and declined included)', month: 'report',
    sql: `SELECT countIf(completed_at IS NOT NULL) AS numerator, count() AS denominator ${CASES('repair')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'repair_satisfaction', zh: '维修满意率', en: 'Repair satisfaction rate', group: 'repairs', kind: 'rate',
    numerator: 'satisfied follow-up visits on repairs', denominator: 'follow-up visits on repairs', month: 'visit',
    sql: `SELECT countIf(satisfied = 1) AS numerator, count() AS denominator FROM {{satisfaction}} FINAL WHERE case_type = 'repair'
      AND ({project:String} = '' OR project_id = {project:String}) AND ({department:String} = '' OR department = {department:String})
      AND ({staff:String} = '' OR {staff:String} IN (responsible_id, visitor_id)) AND ${IN_MONTH('visited_at')}`,
  },
  {
    id: 'repair_follow_up_rate', zh: '维修回访率', en: 'Repair follow-up visit rate', group: 'repairs', kind: 'rate',
    numerator: 'completed orders with at least one follow-up visit', denominator: 'orders completed', month: 'completion',
    sql: `SELECT countIf(follow_up_count > 0) AS numerator, count() AS denominator ${CASES('repair')} AND completed_at IS NOT NULL AND ${IN_MONTH('completed_at')}`,
  },
  {
    id: 'urgent_on_site_2h', zh: '急修2小时到场率', en: 'Urgent repairs on site within 2 h', group: 'repairs', kind: 'rate',
    numerator: 'urgent orders whose technician arrived within 2 h of the report (or appointment)', denominator: 'urgent orders whose arrival clock is decided (met or breached)', month: 'report',
    sql: `SELECT countIf(arrival_status = 'met') AS numerator, countIf(${decided('arrival')}) AS denominator ${CASES('repair')} AND repair_category = 'urgent' AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'urgent_fixed_24h', zh: '急修24小时修复率', en: 'Urgent repairs fixed within 24 h', group: 'repairs', kind: 'rate',
    numerator: 'urgent orders completed within 24 h', denominator: 'urgent orders completed', month: 'completion',
    sql: `SELECT countIf(fix_status = 'met') AS numerator, count() AS denominator ${CASES('repair')} AND repair_category = 'urgent' AND completed_at IS NOT NULL AND ${IN_MONTH('completed_at')}`,
  },
  {
    id: 'general_fixed_72h', zh: '一般维修72小时修复率', en: 'General repairs fixed within 72 h', group: 'repairs', kind: 'rate',
    numerator: 'general orders completed within 72 h', denominator: 'general orders completed', month: 'completion',
    sql: `SELECT countIf(fix_status = 'met') AS numerator, count() AS denominator ${CASES('repair')} AND repair_category = 'general' AND completed_at IS NOT NULL AND ${IN_MONTH('completed_at')}`,
  },
  {
    id: 'rework_rate', zh: '返修率', en: 'Rework within warranty rate', group: 'repairs', kind: 'rate',
    numerator: 'rework orders reported in the month (within warranty, against an original order)', denominator: 'orders completed in the three months ending with the month (the warranty window)', month: 'report of the rework',
    sql: `SELECT countIf(rework_of != '' AND ${IN_MONTH('opened_at')}) AS numerator,
      countIf(completed_at IS NOT NULL AND toYYYYMM(completed_at, {tz:String}) BETWEEN toYYYYMM(addMonths(toDate(concat(toString({month:UInt32}), '01')), -2)) AND {month:UInt32}) AS denominator
      ${CASES('repair')}`,
  },
  {
    id: 'first_time_fix', zh: '一次修复率', en: 'First-time fix rate', group: 'repairs', kind: 'rate',
    numerator: 'completed orders fixed on the first visit (no pause for parts) and never reworked', denominator: 'orders completed', month: 'completion',
    sql: `SELECT countIf(paused_for_parts = 0 AND case_id NOT IN (SELECT rework_of FROM {{cases}} FINAL WHERE rework_of != '')) AS numerator, count() AS denominator
      ${CASES('repair')} AND completed_at IS NOT NULL AND ${IN_MONTH('completed_at')}`,
  },
  {
    id: 'fees_collected', zh: '维修收费', en: 'Repair fees collected (fen)', group: 'repairs', kind: 'amount',
    numerator: 'sum of payments received at the service centre', denominator: '—', month: 'payment',
    sql: `SELECT sum(JSONExtractUInt(data, 'amount')) AS numerator, count() AS denominator FROM {{events}} FINAL
      WHERE type = 'RepairPaymentReceived' AND ({project:String} = '' OR project_id = {project:String})
      AND ({staff:String} = '' OR actor_id = {staff:String}) AND ${IN_MONTH('occurred_at')}`,
  },
  {
    id: 'complaints_received', zh: '投诉量', en: 'Complaints received', group: 'complaints', kind: 'count',
    numerator: 'complaints received', denominator: '—', month: 'receipt',
    sql: `SELECT count() AS numerator, count() AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'valid_complaint_rate', zh: '投诉有效率', en: 'Valid complaint rate', group: 'complaints', kind: 'rate',
    numerator: 'complaints found valid (有效投诉) after checking', denominator: 'all complaints received', month: 'receipt',
    sql: `SELECT countIf(nature = 'valid') AS numerator, count() AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'complaint_first_reply_half_day', zh: '投诉半个工作日首次回复率', en: 'First reply within half a working day', group: 'complaints', kind: 'rate',
    numerator: 'complaints first replied to within half a working day', denominator: 'complaints whose first-reply clock is decided', month: 'receipt',
    sql: `SELECT countIf(first_reply_status = 'met') AS numerator, countIf(${decided('first_reply')}) AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'complaint_promised_reply', zh: '承诺时间回复率', en: 'Replied by the promised time', group: 'complaints', kind: 'rate',
    numerator: 'complaints replied to by the promised time', denominator: 'complaints with a promise whose clock is decided', month: 'receipt',
    sql: `SELECT countIf(promised_reply_status = 'met') AS numerator, countIf(${decided('promised_reply')}) AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'complaint_timeliness', zh: '投诉处理及时率', en: 'Complaint handling timeliness', group: 'complaints', kind: 'rate',
    numerator: 'complaints minus those not replied to in time (first reply or promised reply breached)', denominator: 'complaints received', month: 'receipt',
    sql: `SELECT count() - countIf(${clockStatus('first_reply')} = 'breached' OR ${clockStatus('promised_reply')} = 'breached') AS numerator, count() AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'complaint_reopen_rate', zh: '投诉重开率', en: 'Complaint reopen rate', group: 'complaints', kind: 'rate',
    numerator: 'complaints reopened at least once', denominator: 'complaints received', month: 'receipt',
    sql: `SELECT countIf(reopen_count > 0) AS numerator, count() AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'major_complaints', zh: '重大投诉', en: 'Major complaints', group: 'complaints', kind: 'count',
    numerator: 'complaints classified major', denominator: '—', month: 'receipt',
    sql: `SELECT countIf(major = 1) AS numerator, count() AS denominator ${CASES('complaint')} AND ${IN_MONTH('opened_at')}`,
  },
  {
    id: 'follow_up_visit_rate', zh: '回访率', en: 'Follow-up visit rate', group: 'visits', kind: 'rate',
    numerator: 'closed jobs (completed repairs and handled complaints) with a follow-up visit', denominator: 'closed jobs', month: 'closure',
    sql: `SELECT countIf(follow_up_count > 0) AS numerator, count() AS denominator FROM {{cases}} FINAL
      WHERE case_type IN ('repair', 'complaint') AND closed_at IS NOT NULL AND status != 'cancelled' AND ${FILTERS} AND ${IN_MONTH('closed_at')}`,
  },
  {
    id: 'satisfaction_rate', zh: '满意率', en: 'Satisfaction rate', group: 'visits', kind: 'rate',
    numerator: 'satisfied follow-up visits (repairs and complaints)', denominator: 'follow-up visits', month: 'visit',
    sql: `SELECT countIf(satisfied = 1) AS numerator, count() AS denominator FROM {{satisfaction}} FINAL WHERE case_type IN ('repair', 'complaint')
      AND ({project:String} = '' OR project_id = {project:String}) AND ({department:String} = '' OR department = {department:String})
      AND ({staff:String} = '' OR {staff:String} IN (responsible_id, visitor_id)) AND ${IN_MONTH('visited_at')}`,
  },
  {
    id: 'help_answered_5min', zh: '求助5分钟答复率', en: 'Help requests answered within 5 minutes', group: 'visits', kind: 'rate',
    numerator: 'help requests, inquiries and reception visits answered within 5 minutes', denominator: 'those whose answer clock is decided', month: 'receipt',
    sql: `SELECT countIf(help_answer_status = 'met') AS numerator, countIf(${decided('help_answer')}) AS denominator ${CASES('help_request')} AND ${IN_MONTH('opened_at')}`,
  },
];
