import { clockStatusNow, type KpiQuery, renderKpi } from './builder';

/**
 * Every KPI of docs/domain.md, defined once: what counts in the numerator and the denominator, and the time the case
 * falls in — as words (KPI.md beside this library is generated from them by `npm run kpi:docs`, checked by a test)
 * and as data (`query`), from which builder.ts renders every SQL text that computes the KPI. `sql` is the KPI run
 * for one month: one row (numerator, denominator) for the filters month (YYYYMM in the configured time zone),
 * project, department and staff (empty string = all), always as ClickHouse query parameters.
 */
/** KPI groups in the order the definitions list them, with their headings. */
export const KPI_GROUPS = { repairs: 'Repairs', complaints: 'Complaints', follow_up_visits: 'Follow-up visits (回访)', help_requests: 'Help requests (求助)' } as const;
export type KpiGroup = keyof typeof KPI_GROUPS;

export interface KpiDefinition {
  id: string;
  zh: string;
  en: string;
  /** The capability a KPI measures: follow-up visits (回访) and help requests (求助) are two, not one group of 'visits'. */
  group: KpiGroup;
  numerator: string;
  denominator: string;
  /** Which instant puts a case in a month. */
  month: string;
  /** 'rate' (numerator ÷ denominator), 'count' or 'amount' (fen). */
  kind: 'rate' | 'count' | 'amount';
  query: KpiQuery;
  /** `renderKpi(id, query)`: the SQL the KPI run executes. */
  sql: string;
}

/** The common filters on the case table; staff matches the first responder, the handler or the technician. */
const CASE_FILTERS: KpiQuery['filters'] = { project: 'project_id', department: 'department', staff: ['first_responder_id', 'handler_id', 'technician_id'] };
/** Follow-up visits: staff matches who answers for the case or who visited. */
const VISIT_FILTERS: KpiQuery['filters'] = { project: 'project_id', department: 'department', staff: ['responsible_id', 'visitor_id'] };
const cases = (caseType: string, where: string[], month: string | undefined, numerator: KpiQuery['numerator'], denominator: KpiQuery['denominator'] = { count: true }): KpiQuery => ({
  source: 'cases',
  where: [`case_type = '${caseType}'`, ...where],
  filters: CASE_FILTERS,
  month,
  numerator,
  denominator,
});
/** "Breached now" on the case table (`<clock>_status`, `<clock>_deadline`); see `clockStatusNow`. */
export const clockStatus = (prefix: string) => clockStatusNow({ status: `${prefix}_status`, deadline: `${prefix}_deadline` });
const decided = (prefix: string) => `${clockStatus(prefix)} IN ('met', 'breached')`;

/**
 * The `event_facts` column holding a RepairPaymentReceived event's amount in fen, stored on insert (schema.ts migration
 * 15; 0 for the other fact types): the fees KPI parsed every payment's JSON for it.
 */
export const PAYMENT_AMOUNT = 'payment_amount';

type Definition = Omit<KpiDefinition, 'sql'>;
const DEFINITIONS: Definition[] = [

  {
    id: 'repair_timeliness', zh: '维修及时率', en: 'Repairs fixed within their limit', group: 'repairs', kind: 'rate',
    numerator: 'orders completed within their limit (urgent 24 h, general 72 h, paused time excluded)', denominator: 'orders completed', month: 'completion',
    query: cases('repair', ['completed_at IS NOT NULL'], 'completed_at', { count: "fix_status = 'met'" }),
  },
  {
    id: 'repair_completion', zh: '维修完成率', en: 'Repair completion rate', group: 'repairs', kind: 'rate',
    numerator: 'orders received in the month that are completed', denominator: 'orders received (cancelled and declined included)', month: 'report',
    query: cases('repair', [], 'opened_at', { count: 'completed_at IS NOT NULL' }),
  },
  {
    id: 'repair_satisfaction', zh: '维修满意率', en: 'Repair satisfaction rate', group: 'repairs', kind: 'rate',
    numerator: 'satisfied follow-up visits on repairs', denominator: 'follow-up visits on repairs', month: 'visit',
    query: { source: 'satisfaction', where: ["case_type = 'repair'"], filters: VISIT_FILTERS, month: 'visited_at', numerator: { count: 'satisfied = 1' }, denominator: { count: true } },
  },
  {
    id: 'repair_follow_up_rate', zh: '维修回访率', en: 'Repair follow-up visit rate', group: 'repairs', kind: 'rate',
    numerator: 'completed orders with at least one follow-up visit', denominator: 'orders completed', month: 'completion',
    query: cases('repair', ['completed_at IS NOT NULL'], 'completed_at', { count: 'follow_up_count > 0' }),
  },
  {
    id: 'urgent_on_site_2h', zh: '急修2小时到场率', en: 'Urgent repairs on site within 2 h', group: 'repairs', kind: 'rate',
    numerator: 'urgent orders whose technician arrived within 2 h of the report (or appointment)', denominator: 'urgent orders whose arrival clock is decided (met or breached)', month: 'report',
    query: cases('repair', ["repair_category = 'urgent'"], 'opened_at', { count: "arrival_status = 'met'" }, { count: decided('arrival') }),
  },
  {
    id: 'urgent_fixed_24h', zh: '急修24小时修复率', en: 'Urgent repairs fixed within 24 h', group: 'repairs', kind: 'rate',
    numerator: 'urgent orders completed within 24 h', denominator: 'urgent orders completed', month: 'completion',
    query: cases('repair', ["repair_category = 'urgent'", 'completed_at IS NOT NULL'], 'completed_at', { count: "fix_status = 'met'" }),
  },
  {
    id: 'general_fixed_72h', zh: '一般维修72小时修复率', en: 'General repairs fixed within 72 h', group: 'repairs', kind: 'rate',
    numerator: 'general orders completed within 72 h', denominator: 'general orders completed', month: 'completion',
    query: cases('repair', ["repair_category = 'general'", 'completed_at IS NOT NULL'], 'completed_at', { count: "fix_status = 'met'" }),
  },
  {
    id: 'rework_rate', zh: '返修率', en: 'Rework within warranty rate', group: 'repairs', kind: 'rate',
    numerator: 'rework orders reported in the month (within warranty, against an original order)', denominator: 'orders completed in the three months ending with the month (the warranty window)', month: 'report of the rework',
    query: cases('repair', [], undefined, { count: "rework_of != ''", window: { column: 'opened_at', months: 1 } }, { count: 'completed_at IS NOT NULL', window: { column: 'completed_at', months: 3 } }),
  },
  {
    id: 'first_time_fix', zh: '一次修复率', en: 'First-time fix rate', group: 'repairs', kind: 'rate',
    numerator: 'completed orders fixed on the first visit (no pause for parts) and never reworked', denominator: 'orders completed', month: 'completion',
    // An order's rework_of is set by its first event and never changes, so the set of reworked orders needs no FINAL.
    query: cases('repair', ['completed_at IS NOT NULL'], 'completed_at', { count: "paused_for_parts = 0 AND case_id NOT IN (SELECT rework_of FROM {{cases}} WHERE rework_of != '')" }),
  },
  {
    id: 'fees_collected', zh: '维修收费', en: 'Repair fees collected (fen)', group: 'repairs', kind: 'amount',
    numerator: 'sum of payments received at the service centre', denominator: '—', month: 'payment',
    query: { source: 'event_facts', where: ["type = 'RepairPaymentReceived'"], filters: { project: 'project_id', staff: ['actor_id'] }, month: 'occurred_at', numerator: { sum: PAYMENT_AMOUNT }, denominator: { count: true } },
  },
  {
    id: 'complaints_received', zh: '投诉量', en: 'Complaints received', group: 'complaints', kind: 'count',
    numerator: 'complaints received', denominator: '—', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: true }),
  },
  {
    id: 'valid_complaint_rate', zh: '投诉有效率', en: 'Valid complaint rate', group: 'complaints', kind: 'rate',
    numerator: 'complaints found valid (有效投诉) after checking', denominator: 'all complaints received', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: "nature = 'valid'" }),
  },
  {
    id: 'complaint_first_reply_half_day', zh: '投诉半个工作日首次回复率', en: 'First reply within half a working day', group: 'complaints', kind: 'rate',
    numerator: 'complaints first replied to within half a working day', denominator: 'complaints whose first-reply clock is decided', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: "first_reply_status = 'met'" }, { count: decided('first_reply') }),
  },
  {
    id: 'complaint_promised_reply', zh: '承诺时间回复率', en: 'Replied by the promised time', group: 'complaints', kind: 'rate',
    numerator: 'complaints replied to by the promised time', denominator: 'complaints with a promise whose clock is decided', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: "promised_reply_status = 'met'" }, { count: decided('promised_reply') }),
  },
  {
    id: 'complaint_timeliness', zh: '投诉处理及时率', en: 'Complaint handling timeliness', group: 'complaints', kind: 'rate',
    numerator: 'complaints minus those not replied to in time (first reply or promised reply breached)', denominator: 'complaints received', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { countExcept: `${clockStatus('first_reply')} = 'breached' OR ${clockStatus('promised_reply')} = 'breached'` }),
  },
  {
    id: 'complaint_reopen_rate', zh: '投诉重开率', en: 'Complaint reopen rate', group: 'complaints', kind: 'rate',
    numerator: 'complaints reopened at least once', denominator: 'complaints received', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: 'reopen_count > 0' }),
  },
  {
    id: 'major_complaints', zh: '重大投诉', en: 'Major complaints', group: 'complaints', kind: 'count',
    numerator: 'complaints classified major', denominator: '—', month: 'receipt',
    query: cases('complaint', [], 'opened_at', { count: 'major = 1' }),
  },
  {
    id: 'follow_up_visit_rate', zh: '回访率', en: 'Follow-up visit rate', group: 'follow_up_visits', kind: 'rate',
    numerator: 'closed jobs (completed repairs and handled complaints) with a follow-up visit', denominator: 'closed jobs', month: 'closure',
    query: { source: 'cases', where: ["case_type IN ('repair', 'complaint')", 'closed_at IS NOT NULL', "status != 'cancelled'"], filters: CASE_FILTERS, month: 'closed_at', numerator: { count: 'follow_up_count > 0' }, denominator: { count: true } },
  },
  {
    id: 'satisfaction_rate', zh: '满意率', en: 'Satisfaction rate', group: 'follow_up_visits', kind: 'rate',
    numerator: 'satisfied follow-up visits (repairs and complaints)', denominator: 'follow-up visits', month: 'visit',
    query: { source: 'satisfaction', where: ["case_type IN ('repair', 'complaint')"], filters: VISIT_FILTERS, month: 'visited_at', numerator: { count: 'satisfied = 1' }, denominator: { count: true } },
  },
  {
    id: 'help_answered_5min', zh: '求助5分钟答复率', en: 'Help requests answered within 5 minutes', group: 'help_requests', kind: 'rate',
    numerator: 'help requests, inquiries and reception visits answered within 5 minutes', denominator: 'those whose answer clock is decided', month: 'receipt',
    query: cases('help_request', [], 'opened_at', { count: "help_answer_status = 'met'" }, { count: decided('help_answer') }),
  },
];

export const KPIS: KpiDefinition[] = DEFINITIONS.map((d) => ({ ...d, sql: renderKpi(d.id, d.query) }));
