/**
 * The panel catalogue: every panel once, with its SQL, visualisation, unit and thresholds. Grafana dashboards
 * (`npm run dashboards:build`) and the built-in /dashboards page are both generated from this list.
 *
 * Result shapes by visualisation: stat → `value`; timeseries → `t`, `value` (and `series` for several lines);
 * bar/pie → `label`, `value`; table → the columns listed in `columns`.
 */
export type Visualisation = 'stat' | 'timeseries' | 'bar' | 'pie' | 'table';
export type Unit = 'percent' | 'count' | 'yuan' | 'hours';

export interface Panel {
  id: string;
  title: { zh: string; en: string };
  description: string;
  viz: Visualisation;
  unit: Unit;
  /** Values below `red` are red (rates), or above it when `higherIsWorse`. */
  thresholds?: { red: number; higherIsWorse?: boolean };
  columns: string[];
  sql: string;
}

export interface Dashboard {
  id: string;
  title: { zh: string; en: string };
  panels: Panel[];
}

const rate = (num: string, den: string) => `if(${den} = 0, NULL, round(${num} / ${den}, 4))`;

export const DASHBOARDS: Dashboard[] = [
  {
    id: 'sla',
    title: { zh: '时效（SLA）', en: 'SLA' },
    panels: [
      {
        id: 'on_time_by_clock', title: { zh: '各时限达标率', en: 'On-time rate per clock' }, viz: 'bar', unit: 'percent', thresholds: { red: 0.95 }, columns: ['label', 'value'],
        description: 'Clocks started in the range that were met ÷ those decided (met or breached).',
        sql: `SELECT clock AS label, ${rate("countIf(status = 'met')", "countIf(status IN ('met', 'breached'))")} AS value FROM {{sla_clocks}} FINAL
          WHERE $TIME(started_at) AND $PROJECT(project_id) GROUP BY clock ORDER BY clock`,
      },
      {
        id: 'at_risk_now', title: { zh: '即将超时与已超时（未完成）', en: 'Open items at risk and breached now' }, viz: 'table', unit: 'count', columns: ['case_id', 'clock', 'project_id', 'due', 'state'],
        description: 'Running clocks past their warning point (75 % of the allowed time), most urgent first.',
        sql: `SELECT case_id, clock, project_id, toString(deadline) AS due, if(deadline < now64(3), 'breached', 'at risk') AS state FROM {{sla_clocks}} FINAL
          WHERE status = 'running' AND paused = 0 AND warning_at < now64(3) AND $PROJECT(project_id) ORDER BY deadline LIMIT 50`,
      },
      {
        id: 'breach_trend', title: { zh: '超时趋势（按周）', en: 'Breaches per week' }, viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
        description: 'Breached clocks by the week they started, per clock.',
        sql: `SELECT toStartOfWeek(started_at, 1, 'Asia/Shanghai') AS t, clock AS series, countIf(status = 'breached') AS value FROM {{sla_clocks}} FINAL
          WHERE $TIME(started_at) AND $PROJECT(project_id) GROUP BY t, series ORDER BY t, series`,
      },
      {
        id: 'worst_buildings', title: { zh: '超时最多的楼栋', en: 'Worst projects and buildings' }, viz: 'bar', unit: 'percent', thresholds: { red: 0.1, higherIsWorse: true }, columns: ['label', 'value'],
        description: 'Share of decided repair-fix clocks that were breached, per project and building (worst 10).',
        sql: `SELECT concat(project_id, ' / ', building) AS label, ${rate("countIf(fix_status = 'breached')", "countIf(fix_status IN ('met', 'breached'))")} AS value FROM {{cases}} FINAL
          WHERE case_type = 'repair' AND $TIME(opened_at) AND $PROJECT(project_id) GROUP BY label HAVING countIf(fix_status IN ('met', 'breached')) >= 3 ORDER BY value DESC LIMIT 10`,
      },
    ],
  },
  {
    id: 'satisfaction',
    title: { zh: '满意度', en: 'Satisfaction' },
    panels: [
      {
        id: 'satisfaction_trend', title: { zh: '满意率与回访率（按月）', en: 'Satisfaction and follow-up rates per month' }, viz: 'timeseries', unit: 'percent', thresholds: { red: 0.9 }, columns: ['t', 'series', 'value'],
        description: 'Satisfied ÷ visited follow-up visits, and closed jobs with a follow-up visit ÷ closed jobs.',
        sql: `SELECT toStartOfMonth(visited_at, 'Asia/Shanghai') AS t, 'satisfaction' AS series, ${rate('countIf(satisfied = 1)', 'count()')} AS value FROM {{satisfaction}} FINAL
            WHERE case_type IN ('repair', 'complaint') AND $TIME(visited_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF(responsible_id) GROUP BY t
          UNION ALL
          SELECT toStartOfMonth(closed_at, 'Asia/Shanghai') AS t, 'follow-up visits' AS series, ${rate('countIf(follow_up_count > 0)', 'count()')} AS value FROM {{cases}} FINAL
            WHERE case_type IN ('repair', 'complaint') AND closed_at IS NOT NULL AND status != 'cancelled' AND $TIME(closed_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF(handler_id) GROUP BY t
          ORDER BY t, series`,
      },
      {
        id: 'satisfaction_by_project', title: { zh: '各项目满意率', en: 'Satisfaction by project' }, viz: 'bar', unit: 'percent', thresholds: { red: 0.9 }, columns: ['label', 'value'],
        description: 'Satisfied ÷ visited, follow-up visits in the range.',
        sql: `SELECT project_id AS label, ${rate('countIf(satisfied = 1)', 'count()')} AS value FROM {{satisfaction}} FINAL
          WHERE case_type IN ('repair', 'complaint') AND $TIME(visited_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) GROUP BY label ORDER BY label`,
      },
      {
        id: 'satisfaction_by_person', title: { zh: '各员工满意率', en: 'Satisfaction by person' }, viz: 'bar', unit: 'percent', thresholds: { red: 0.9 }, columns: ['label', 'value'],
        description: 'Satisfied ÷ visited for the technician or handler responsible (at least 3 visits).',
        sql: `SELECT concat(s.responsible_id, ' ', any(st.name)) AS label, ${rate('countIf(s.satisfied = 1)', 'count()')} AS value FROM {{satisfaction}} AS s FINAL
          LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = s.responsible_id
          WHERE s.responsible_id != '' AND $TIME(s.visited_at) AND $PROJECT(s.project_id) AND $DEPARTMENT(s.department) AND $STAFF(s.responsible_id)
          GROUP BY s.responsible_id HAVING count() >= 3 ORDER BY value LIMIT 15`,
      },
      {
        id: 'unsatisfied_comments', title: { zh: '不满意回访意见', en: 'Unsatisfied follow-up comments' }, viz: 'table', unit: 'count', columns: ['visited', 'project_id', 'case_type', 'remarks'],
        description: 'Latest unsatisfied visits with their remarks (no personal data).',
        sql: `SELECT toString(visited_at) AS visited, project_id, case_type, remarks FROM {{satisfaction}} FINAL
          WHERE satisfied = 0 AND $TIME(visited_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) ORDER BY visited_at DESC LIMIT 30`,
      },
    ],
  },
  {
    id: 'complaints',
    title: { zh: '投诉', en: 'Complaints' },
    panels: [
      {
        id: 'complaints_by_nature', title: { zh: '投诉性质', en: 'By nature' }, viz: 'pie', unit: 'count', columns: ['label', 'value'],
        description: 'Valid complaints and the four kinds of communicative complaint.',
        sql: `SELECT if(nature = 'communicative', communicative_kind, nature) AS label, count() AS value FROM {{complaint_categories}} FINAL
          WHERE nature != '' AND $TIME(received_at) AND $PROJECT(project_id) GROUP BY label ORDER BY value DESC`,
      },
      {
        id: 'complaints_by_content', title: { zh: '投诉内容', en: 'By content' }, viz: 'pie', unit: 'count', columns: ['label', 'value'],
        description: 'Facilities, service attitude, service quality, sudden events.',
        sql: `SELECT content AS label, count() AS value FROM {{complaint_categories}} FINAL WHERE content != '' AND $TIME(received_at) AND $PROJECT(project_id) GROUP BY label ORDER BY value DESC`,
      },
      {
        id: 'complaints_by_topic', title: { zh: '投诉话题', en: 'By topic' }, viz: 'bar', unit: 'count', columns: ['label', 'value'],
        description: 'The configurable topic taxonomy (cleaning, security, parking …).',
        sql: `SELECT topic AS label, count() AS value FROM {{complaint_categories}} FINAL WHERE topic != '' AND $TIME(received_at) AND $PROJECT(project_id) GROUP BY label ORDER BY value DESC`,
      },
      {
        id: 'complaints_trend', title: { zh: '投诉趋势', en: 'Complaints per month' }, viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
        description: 'Complaints received per month, valid and communicative.',
        sql: `SELECT toStartOfMonth(opened_at, 'Asia/Shanghai') AS t, if(nature = '', 'unclassified', nature) AS series, count() AS value FROM {{cases}} FINAL
          WHERE case_type = 'complaint' AND $TIME(opened_at) AND $PROJECT(project_id) GROUP BY t, series ORDER BY t, series`,
      },
      {
        id: 'valid_complaint_rate', title: { zh: '投诉有效率', en: 'Valid complaint rate' }, viz: 'stat', unit: 'percent', thresholds: { red: 0.3, higherIsWorse: true }, columns: ['value'],
        description: 'Complaints found valid ÷ all complaints received.',
        sql: `SELECT ${rate("countIf(nature = 'valid')", 'count()')} AS value FROM {{cases}} FINAL WHERE case_type = 'complaint' AND $TIME(opened_at) AND $PROJECT(project_id)`,
      },
      {
        id: 'major_complaints', title: { zh: '重大投诉', en: 'Major complaints' }, viz: 'stat', unit: 'count', thresholds: { red: 1, higherIsWorse: true }, columns: ['value'],
        description: 'Complaints classified major (reported to the GM office).',
        sql: `SELECT countIf(major = 1) AS value FROM {{cases}} FINAL WHERE case_type = 'complaint' AND $TIME(opened_at) AND $PROJECT(project_id)`,
      },
      {
        id: 'reopen_rate', title: { zh: '投诉重开率', en: 'Reopen rate' }, viz: 'stat', unit: 'percent', thresholds: { red: 0.1, higherIsWorse: true }, columns: ['value'],
        description: 'Complaints reopened at least once ÷ complaints received.',
        sql: `SELECT ${rate('countIf(reopen_count > 0)', 'count()')} AS value FROM {{cases}} FINAL WHERE case_type = 'complaint' AND $TIME(opened_at) AND $PROJECT(project_id)`,
      },
    ],
  },
  {
    id: 'repairs',
    title: { zh: '维修', en: 'Repairs' },
    panels: [
      {
        id: 'repair_volume', title: { zh: '报修量（急修/一般）', en: 'Repair volume, urgent vs general' }, viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
        description: 'Orders reported per month by category.',
        sql: `SELECT toStartOfMonth(opened_at, 'Asia/Shanghai') AS t, repair_category AS series, count() AS value FROM {{cases}} FINAL
          WHERE case_type = 'repair' AND $TIME(opened_at) AND $PROJECT(project_id) AND $STAFF(technician_id) GROUP BY t, series ORDER BY t, series`,
      },
      {
        id: 'repair_timeliness', title: { zh: '维修及时率', en: 'Repairs fixed in time' }, viz: 'stat', unit: 'percent', thresholds: { red: 0.95 }, columns: ['value'],
        description: 'Orders completed within their limit ÷ orders completed (in the month of completion).',
        sql: `SELECT ${rate("countIf(fix_status = 'met')", 'count()')} AS value FROM {{cases}} FINAL
          WHERE case_type = 'repair' AND completed_at IS NOT NULL AND $TIME(completed_at) AND $PROJECT(project_id) AND $STAFF(technician_id)`,
      },
      {
        id: 'first_time_fix', title: { zh: '一次修复率', en: 'First-time fix' }, viz: 'stat', unit: 'percent', thresholds: { red: 0.9 }, columns: ['value'],
        description: 'Completed orders fixed on the first visit and never reworked ÷ completed.',
        sql: `SELECT ${rate("countIf(paused_for_parts = 0 AND case_id NOT IN (SELECT rework_of FROM {{cases}} FINAL WHERE rework_of != ''))", 'count()')} AS value FROM {{cases}} FINAL
          WHERE case_type = 'repair' AND completed_at IS NOT NULL AND $TIME(completed_at) AND $PROJECT(project_id) AND $STAFF(technician_id)`,
      },
      {
        id: 'rework_by_technician', title: { zh: '保修期内返修（按技工）', en: 'Rework within warranty by technician' }, viz: 'bar', unit: 'count', columns: ['label', 'value'],
        description: 'Reworks attributed to the original order’s technician.',
        sql: `SELECT rework_of_technician AS label, count() AS value FROM {{cases}} FINAL
          WHERE case_type = 'repair' AND rework_of != '' AND $TIME(opened_at) AND $PROJECT(project_id) GROUP BY label ORDER BY value DESC LIMIT 15`,
      },
      {
        id: 'fees_collected', title: { zh: '维修收费（元）', en: 'Fees collected (yuan)' }, viz: 'stat', unit: 'yuan', columns: ['value'],
        description: 'Payments received at the service centre.',
        sql: `SELECT round(sum(JSONExtractUInt(data, 'amount')) / 100, 2) AS value FROM {{events}} FINAL
          WHERE type = 'RepairPaymentReceived' AND $TIME(occurred_at) AND $PROJECT(project_id)`,
      },
    ],
  },
  {
    id: 'staff',
    title: { zh: '员工绩效', en: 'Staff' },
    panels: [
      {
        id: 'staff_scorecard', title: { zh: '员工绩效排名', en: 'Staff scorecard and ranking' }, viz: 'table', unit: 'count',
        columns: ['project_id', 'staff_id', 'name', 'received', 'handled', 'on_time_rate', 'satisfaction_rate', 'reworks', 'score'],
        description: 'Per person in the range: jobs received as first responder, handled, on-time and satisfaction rates, reworks and the composite score (40/40/20, −5 per rework).',
        sql: `SELECT project_id, staff_id, any(name) AS name, received, handled, on_time_rate, satisfaction_rate, reworks,
            round(greatest(0, 40 * ifNull(on_time_rate, 1) + 40 * ifNull(satisfaction_rate, 1) + 20 * handled / greatest(1, max(handled) OVER (PARTITION BY project_id)) - 5 * reworks), 2) AS score
          FROM (
            SELECT p.project_id AS project_id, p.staff_id AS staff_id, any(st.name) AS name,
              countIf(credit = 'first_responder') AS received, countIf(credit = 'handler') AS handled,
              ${rate("countIf(credit = 'handler' AND on_time = 1)", "countIf(credit = 'handler' AND on_time IS NOT NULL)")} AS on_time_rate,
              ${rate("countIf(credit = 'handler' AND satisfied = 1)", "countIf(credit = 'handler' AND satisfied IS NOT NULL)")} AS satisfaction_rate,
              countIf(credit = 'rework_attributed') AS reworks
            FROM {{staff_performance}} AS p FINAL LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = p.staff_id
            WHERE $TIME(p.received_at) AND $PROJECT(p.project_id) AND $STAFF(p.staff_id)
            GROUP BY p.project_id, p.staff_id)
          GROUP BY project_id, staff_id, received, handled, on_time_rate, satisfaction_rate, reworks
          ORDER BY project_id, score DESC LIMIT 100`,
      },
      {
        id: 'first_responder_follow_through', title: { zh: '首问负责跟进率', en: 'First-responder follow-through' }, viz: 'bar', unit: 'percent', thresholds: { red: 0.8 }, columns: ['label', 'value'],
        description: 'Of the jobs each person received as first responder and that closed, the share with a follow-up visit.',
        sql: `SELECT first_responder_id AS label, ${rate('countIf(follow_up_count > 0)', 'count()')} AS value FROM {{cases}} FINAL
          WHERE case_type IN ('repair', 'complaint') AND closed_at IS NOT NULL AND status != 'cancelled' AND $TIME(opened_at) AND $PROJECT(project_id) AND $STAFF(first_responder_id)
          GROUP BY label HAVING count() >= 3 ORDER BY value LIMIT 20`,
      },
    ],
  },
];

export function findPanel(dashboardId: string, panelId: string): Panel | undefined {
  return DASHBOARDS.find((d) => d.id === dashboardId)?.panels.find((p) => p.id === panelId);
}
