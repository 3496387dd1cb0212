import * as complaints from './complaints';
import * as repairs from './repairs';
import * as reports from './reports';
import * as satisfaction from './satisfaction';
import * as sla from './sla';
import * as staff from './staff';
import type { Dashboard, Panel } from './types';

export * from './types';
export { COLUMN_LABELS, VALUE_LABELS } from './labels';
export { kpiGroupedSql, kpiTemplate, kpiValueSql, PANEL_DIALECT } from './kpi';

/**
 * The dashboards: each panel is defined once (in the file of its subject) and placed on one or more dashboards.
 * Order here is the order on the page and in Grafana (left to right, top to bottom).
 */
export const DASHBOARDS: Dashboard[] = [
  {
    id: 'sla',
    title: { zh: '时效（SLA）', en: 'SLA' },
    description: { zh: '各时限的达标率、当前即将超时与已超时的工作、超时趋势和最差的项目与楼栋。', en: 'On-time rates per clock, open items at risk and breached now, the breach trend and the worst projects and buildings.' },
    panels: [sla.urgentOnSite, sla.urgentFixed, sla.generalFixed, sla.complaintFirstReply, sla.breachedNow, sla.atRiskNowCount, sla.onTimeByClock, sla.breachTrend, sla.atRiskNow, reports.breachesByPerson, sla.worstProjects, sla.worstBuildings],
  },
  {
    id: 'satisfaction',
    title: { zh: '满意度', en: 'Satisfaction' },
    description: { zh: '满意率与回访率的走势，按项目、部门、员工，以及不满意意见。', en: 'Satisfaction and follow-up visit rates over time, by project, department and person, and unsatisfied comments.' },
    panels: [satisfaction.satisfactionRate, satisfaction.followUpRate, satisfaction.repairSatisfaction, satisfaction.satisfactionTrend, satisfaction.satisfactionByProject, satisfaction.satisfactionByDepartment, satisfaction.satisfactionByPerson, reports.satisfactionPeople, satisfaction.unsatisfiedComments],
  },
  {
    id: 'complaints',
    title: { zh: '投诉', en: 'Complaints' },
    description: { zh: '投诉的性质、内容、话题与趋势，有效率、及时率、重开率和重大投诉。', en: 'Complaints by nature, content and topic, the trend, valid, timely and reopen rates, and major complaints.' },
    panels: [complaints.complaintsReceived, complaints.validComplaintRate, complaints.complaintTimeliness, complaints.reopenRate, complaints.majorComplaints, complaints.byNature, complaints.byContent, complaints.byTopic, complaints.complaintsTrend, reports.topicsByMonth, complaints.complaintRatesTrend, reports.complaintCauses, reports.complaintPlaces, reports.repeatComplainants, complaints.majorComplaintList],
  },
  {
    id: 'repairs',
    title: { zh: '维修', en: 'Repairs' },
    description: { zh: '报修量（急修/一般）、时效、保修期内返修、一次修复率和收费。', en: 'Volumes (urgent vs general), timeliness, rework within warranty, first-time fix and fees.' },
    panels: [repairs.repairTimeliness, repairs.repairCompletion, repairs.firstTimeFix, repairs.feesCollected, repairs.repairVolume, repairs.timelinessTrend, repairs.onTimeByTechnician, repairs.reworkByTechnician, repairs.feesTrend],
  },
  {
    id: 'staff',
    title: { zh: '员工绩效', en: 'Staff' },
    description: { zh: '月度绩效与排名（与绩效导出一致）和首问负责跟进。', en: 'Monthly scorecard and ranking (as in the HR export) and first-responder follow-through.' },
    panels: [staff.staffScorecard, staff.firstResponderFollowThrough, satisfaction.satisfactionByPerson, repairs.onTimeByTechnician],
  },
];

export function findDashboard(id: string): Dashboard | undefined {
  return DASHBOARDS.find((d) => d.id === id);
}

export function findPanel(dashboardId: string, panelId: string): Panel | undefined {
  return findDashboard(dashboardId)?.panels.find((p) => p.id === panelId);
}

/** Every distinct panel once (some sit on two dashboards). */
export function allPanels(): Panel[] {
  return [...new Set(DASHBOARDS.flatMap((d) => d.panels))];
}
