import type { EventEnvelope } from '@service-ledger/core';
import { type ClockRules, clockChanges, evaluateCaseClocks, type SlaClock } from '@service-ledger/sla';

/** The rules for one case's clocks, and the log position of the policy changes in force at an instant. */
export interface CasePolicy {
  rules: ClockRules;
  /** Highest position of a policy change in force at `at` (0 when none): part of the rows' version. */
  positionAt(at: number): number;
}

/** Rows of every projection table that one case produces. */
export interface CaseRows {
  case: Record<string, unknown>;
  clocks: Record<string, unknown>[];
  clockHistory: Record<string, unknown>[];
  satisfaction: Record<string, unknown>[];
  complaintCategory: Record<string, unknown> | null;
  staff: Record<string, unknown>[];
}

type D = Record<string, any>;
const CASE_TYPES: Record<string, string> = { complaint: 'complaint', repair: 'repair', help: 'help_request', visit: 'courtesy_visit' };
export const CASE_CATEGORIES = Object.keys(CASE_TYPES);

/**
 * Folds one case's (sanitised) history into its rows. Deterministic: the same events give the same rows, whether
 * they come live, twice, or in a replay; clocks are evaluated as of the case's last event, so "breached now" for
 * open clocks is decided at query time from the deadline.
 */
export function projectCase(events: EventEnvelope[], policy: CasePolicy): CaseRows {
  const first = events[0];
  const last = events[events.length - 1];
  const category = first.streamId.slice(0, first.streamId.indexOf('-'));
  const caseId = first.streamId.slice(category.length + 1);
  const asOf = new Date(last.occurredAt);
  const clocks = evaluateCaseClocks(events, policy.rules, asOf);
  // A policy change re-evaluates the clocks that started since its effective instant: rows written then must replace
  // the earlier ones, so the version covers the changes in force at the latest clock start, whatever the batching.
  const latestStart = clocks.reduce((m, c) => Math.max(m, Date.parse(c.startedAt)), -Infinity);
  const version = Math.max(Number(last.globalPosition), clocks.length ? policy.positionAt(latestStart) : 0);
  const status = (kind: string) => clocks.find((c) => c.clock === kind)?.status ?? '';

  const row: D = {
    case_id: caseId, case_number: first.caseNumber ?? '', case_type: CASE_TYPES[category], project_id: first.projectId, building: '', status: 'open',
    opened_at: first.occurredAt, closed_at: null, first_responder_id: '', handler_id: '', department: '', channel: '', owner_ref: '',
    nature: '', communicative_kind: '', content: '', topic: '', major: 0, reasonable: null, cause: '', escalation: '', reopen_count: 0,
    first_reply_at: null, handled_at: null, repair_category: '', part: '', non_standard: 0, appointment_at: null, technician_id: '',
    arrived_at: null, completed_at: null, quote_declined: 0, paused_for_parts: 0, material_cost: 0, labour_cost: 0, total_fee: 0, paid: 0,
    rework_of: '', rework_of_technician: '', help_kind: '', help_category: '', referred: 0, answered_at: null, follow_up_count: 0,
    last_satisfied: null, owner_satisfied: null, version,
  };
  const satisfaction: D[] = [];
  const visit = (e: EventEnvelope, responsible: string) => {
    const d = e.data as D;
    visits.push({ at: e.occurredAt, visitor: d.visitorStaffId });
    row.follow_up_count += 1;
    row.last_satisfied = d.satisfied ? 1 : 0;
    satisfaction.push({
      visit_id: d.visitId, case_id: caseId, case_type: row.case_type, project_id: first.projectId, visited_at: e.occurredAt, method: d.method,
      satisfied: d.satisfied ? 1 : 0, remarks: d.remarks ?? '', visitor_id: d.visitorStaffId, responsible_id: responsible, department: row.department, version,
    });
  };

  const workers = new Set<string>(); // everyone who was the case's handler or technician at some point
  let assigned = ''; // 定责: the responsible handler named at assignment
  let assessor = '';
  const visits: { at: string; visitor: string }[] = [];
  for (const e of events) {
    const d = e.data as D;
    switch (e.type) {
      case 'ComplaintReceived':
        Object.assign(row, { building: d.location?.building ?? '', channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, department: 'customer_service' });
        break;
      case 'ComplaintClassified':
        Object.assign(row, { nature: d.nature, communicative_kind: d.communicativeKind ?? '', content: d.content, topic: d.topic, major: d.major ? 1 : 0, reasonable: d.reasonable ? 1 : 0 });
        break;
      case 'ComplaintInvestigated':
        row.cause = d.cause;
        break;
      case 'RepairAssessed':
        assessor = d.assessorId;
        break;
      case 'ComplaintResponsibilityAssigned':
        assigned = d.responsibleStaffId ?? '';
        row.department = d.department;
        if (d.responsibleStaffId) row.handler_id = d.responsibleStaffId;
        break;
      case 'ComplaintRepliedToOwner':
        row.first_reply_at ??= e.occurredAt;
        break;
      case 'ComplaintHandled':
        Object.assign(row, { status: 'handled', handled_at: e.occurredAt, handler_id: d.handledById, closed_at: e.occurredAt });
        row.first_reply_at ??= e.occurredAt;
        break;
      case 'ComplaintFollowUpVisited':
        visit(e, row.handler_id);
        break;
      case 'ComplaintReopened':
        Object.assign(row, { status: 'reopened', reopen_count: row.reopen_count + 1, closed_at: null });
        break;
      case 'ComplaintReviewed':
        row.status = 'reviewed';
        break;
      case 'ComplaintArchived':
        row.status = 'archived';
        break;
      case 'ComplaintEscalated':
        row.escalation = d.level;
        break;
      case 'RepairReported':
        Object.assign(row, {
          building: d.location?.building ?? '', channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, department: 'engineering',
          repair_category: d.category, part: d.part, non_standard: d.nonStandard ? 1 : 0, appointment_at: d.appointmentAt ?? null,
          rework_of: d.reworkOf?.repairId ?? '', rework_of_technician: d.reworkOf?.technicianId ?? '',
        });
        break;
      case 'RepairDispatched':
        Object.assign(row, { technician_id: d.technicianId, handler_id: d.technicianId, status: 'dispatched' });
        break;
      case 'TechnicianArrived':
        row.arrived_at ??= e.occurredAt;
        row.status = 'on_site';
        break;
      case 'RepairQuoted':
        Object.assign(row, { material_cost: d.materialCost, labour_cost: d.labourCost, total_fee: d.total });
        break;
      case 'RepairQuoteDeclined':
        Object.assign(row, { quote_declined: 1, status: 'quote_declined' });
        break;
      case 'RepairWorkStarted':
        row.status = 'in_progress';
        break;
      case 'RepairPaused':
        if (d.reason === 'parts_on_order') row.paused_for_parts = 1;
        break;
      case 'RepairReclassified':
        row.repair_category = d.to;
        break;
      case 'RepairCompleted':
        Object.assign(row, { status: 'completed', completed_at: e.occurredAt, closed_at: e.occurredAt, material_cost: d.materialCost, labour_cost: d.labourCost, total_fee: d.total });
        break;
      case 'RepairAcceptedByOwner':
        row.owner_satisfied = d.satisfied ? 1 : 0;
        break;
      case 'RepairPaymentReceived':
        row.paid += d.amount;
        break;
      case 'RepairFollowUpVisited':
        visit(e, row.technician_id);
        break;
      case 'RepairCancelled':
        Object.assign(row, { status: 'cancelled', closed_at: e.occurredAt });
        break;
      case 'HelpRequestReceived':
        Object.assign(row, { help_kind: d.kind, help_category: d.category, channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, building: d.location?.building ?? '', department: 'customer_service' });
        break;
      case 'HelpRequestReferred':
        row.referred = 1;
        break;
      case 'HelpRequestAnswered':
        Object.assign(row, { status: 'answered', answered_at: e.occurredAt, closed_at: e.occurredAt, handler_id: d.answeredById });
        break;
      case 'CourtesyVisitRecorded':
        Object.assign(row, { status: 'visited', closed_at: e.occurredAt, building: d.location?.building ?? '', owner_ref: d.ownerRef, first_responder_id: d.visitorStaffId, handler_id: d.visitorStaffId, department: 'customer_service' });
        visit({ ...e, data: { ...d, visitId: caseId } }, d.visitorStaffId);
        break;
    }
    const worker = row.case_type === 'repair' ? row.technician_id : row.handler_id;
    if (worker) workers.add(worker);
  }
  // A clock still running is judged at query time against its deadline (null while paused: the deadline moves).
  const deadline = (kind: string) => {
    const c = clocks.find((x) => x.clock === kind);
    return c && c.status === 'running' && !c.paused ? c.deadline : null;
  };
  Object.assign(row, {
    first_reply_deadline: deadline('complaint_first_reply'), promised_reply_deadline: deadline('complaint_promised_reply'), arrival_deadline: deadline('repair_arrival'),
    fix_deadline: deadline('repair_fix'), assessment_deadline: deadline('repair_assessment'), help_answer_deadline: deadline('help_answer'), follow_up_deadline: deadline('follow_up_visit'),
    first_reply_status: status('complaint_first_reply'), promised_reply_status: status('complaint_promised_reply'), arrival_status: status('repair_arrival'),
    fix_status: status('repair_fix'), assessment_status: status('repair_assessment'), help_answer_status: status('help_answer'), follow_up_status: status('follow_up_visit'),
  });
  for (const s of satisfaction) s.department = row.department;

  const owners = new Map(clocks.map((c) => [c.clock, clockOwner(c, row, { assigned, assessor, visits })]));
  const clockRows = clocks.map((c) => ({
    case_id: caseId, case_number: row.case_number, clock: c.clock, case_type: row.case_type, project_id: first.projectId, opened_at: row.opened_at, category: row.repair_category || row.nature, responsible_id: owners.get(c.clock)!.staffId,
    started_at: c.startedAt, deadline: c.deadline, warning_at: c.warningAt, met_at: c.metAt, status: c.status, breach_seconds: c.breachSeconds,
    paused_seconds: c.pausedSeconds, paused: c.paused ? 1 : 0, policy_version: c.policyVersion, version,
  }));

  return {
    case: row,
    clocks: clockRows,
    clockHistory: clockHistory(events, policy.rules, caseId, first.projectId),
    satisfaction,
    complaintCategory: category === 'complaint' ? {
      complaint_id: caseId, project_id: first.projectId, received_at: first.occurredAt, nature: row.nature, communicative_kind: row.communicative_kind,
      content: row.content, topic: row.topic, major: row.major, reasonable: row.reasonable, cause: row.cause, version,
    } : null,
    staff: staffCredits(row, clocks, owners, version, workers, new Set(row.case_type === 'courtesy_visit' ? [] : visits.map((v) => v.visitor))),
  };
}

/** One row each time a clock's status, deadline or met time changes, so breaches stay on record. */
function clockHistory(events: EventEnvelope[], rules: ClockRules, caseId: string, projectId: string): D[] {
  return clockChanges(events, rules).map((c) => {
    const e = events[c.index];
    return { case_id: caseId, clock: c.clock, version: Number(e.globalPosition), project_id: projectId, status: c.status, deadline: c.deadline, met_at: c.metAt, breach_seconds: c.breachSeconds, changed_at: e.occurredAt };
  });
}

/** Who answers for each clock, in words (KPI.md is generated from this; `clockOwner` implements it). */
export const CLOCK_OWNERS: Record<SlaClock['clock'], string> = {
  complaint_first_reply: 'first responder (首问负责: whoever received the complaint)',
  complaint_promised_reply: 'responsible handler named at 定责, else whoever handled it; the first responder until one is named',
  repair_arrival: 'technician dispatched',
  repair_fix: 'technician dispatched',
  repair_assessment: 'engineering supervisor who assessed (none named until assessed)',
  help_answer: 'staff who answered; the first responder until answered',
  follow_up_visit: 'visitor who made the visit; the first responder until visited',
};

/** Which credit of the staff scorecard a clock's outcome counts for. */
export type ClockCredit = 'first_responder' | 'handler' | 'assessor' | 'visitor';
export interface ClockOwner {
  staffId: string;
  credit: ClockCredit;
}

/**
 * Who answers for each clock (首问负责): the first reply → the first responder; the promised reply → the responsible
 * handler named at assignment (else whoever handled it); repair arrival and fix → the technician; the non-standard
 * assessment → the engineering supervisor who assessed; help answer → who answered; the follow-up visit → the visitor
 * who made it. Until someone has taken a clock over, the first responder answers for it (a complaint or help request
 * stays theirs until handed over); an urgent repair not yet dispatched or an assessment not yet made names no one.
 */
export function clockOwner(c: SlaClock, row: D, facts: { assigned: string; assessor: string; visits: { at: string; visitor: string }[] }): ClockOwner {
  const firstResponder: ClockOwner = { staffId: row.first_responder_id, credit: 'first_responder' };
  switch (c.clock) {
    case 'complaint_first_reply':
      return firstResponder;
    case 'complaint_promised_reply': {
      const handler = facts.assigned || row.handler_id;
      return handler ? { staffId: handler, credit: 'handler' } : firstResponder;
    }
    case 'repair_arrival':
    case 'repair_fix':
      return { staffId: row.technician_id, credit: 'handler' };
    case 'repair_assessment':
      return { staffId: facts.assessor, credit: 'assessor' };
    case 'help_answer':
      return row.handler_id ? { staffId: row.handler_id, credit: 'handler' } : firstResponder;
    case 'follow_up_visit': {
      const visit = c.metAt ? facts.visits.find((v) => Date.parse(v.at) === Date.parse(c.metAt!)) : undefined;
      return visit ? { staffId: visit.visitor, credit: 'visitor' } : firstResponder;
    }
  }
}

/** 1 when every decided clock a person answers for in the case was met, 0 when one was breached, null when none decided. */
function onTimeOf(clocks: SlaClock[], owners: Map<string, ClockOwner>, staffId: string, credit: ClockCredit): number | null {
  const decided = clocks.filter((c) => (c.status === 'met' || c.status === 'breached') && owners.get(c.clock)?.staffId === staffId && owners.get(c.clock)?.credit === credit);
  return decided.length === 0 ? null : decided.every((c) => c.status === 'met') ? 1 : 0;
}

/**
 * 首问负责制: the first responder is credited with receiving and following up; the handler or technician with the
 * work; the assessor and the visitor with their own clocks. Each credit's on-time covers only the clocks that person
 * answers for (`clockOwner`); satisfaction is the last follow-up visit, credited to the handler; a rework is
 * attributed to the original order's technician.
 */
function staffCredits(row: D, clocks: SlaClock[], owners: Map<string, ClockOwner>, version: number, workers: Set<string>, visitors: Set<string>): D[] {
  const base = { case_id: row.case_id, case_type: row.case_type, project_id: row.project_id, received_at: row.opened_at, closed_at: row.closed_at, satisfied: row.last_satisfied, version };
  const credits: D[] = [];
  if (row.first_responder_id) credits.push({ ...base, staff_id: row.first_responder_id, credit: 'first_responder', on_time: onTimeOf(clocks, owners, row.first_responder_id, 'first_responder') });
  const worker = row.case_type === 'repair' ? row.technician_id : row.handler_id;
  const credited = worker && row.closed_at && row.status !== 'cancelled' ? worker : '';
  if (credited) credits.push({ ...base, staff_id: credited, credit: 'handler', on_time: onTimeOf(clocks, owners, credited, 'handler') });
  // A credit that no longer holds (case reopened or cancelled, work handed to someone else) is written as withdrawn —
  // open, so no KPI counts it — rather than left out: a row left out would keep whatever an earlier batch wrote.
  for (const w of workers) if (w !== credited) credits.push({ ...base, staff_id: w, credit: 'handler', closed_at: null, on_time: null, satisfied: null });
  const assessment = clocks.find((c) => c.clock === 'repair_assessment');
  const assessor = owners.get('repair_assessment')?.staffId;
  if (assessment && assessor) credits.push({ ...base, staff_id: assessor, credit: 'assessor', closed_at: assessment.metAt, on_time: onTimeOf(clocks, owners, assessor, 'assessor'), satisfied: null });
  // The visitor answers for the follow-up clock their visit stopped (month of the visit); earlier visitors' credits
  // (a complaint reopened and visited again) are withdrawn the same way.
  const followUp = clocks.find((c) => c.clock === 'follow_up_visit');
  const visitor = followUp && owners.get('follow_up_visit')!.credit === 'visitor' ? owners.get('follow_up_visit')!.staffId : '';
  if (visitor) credits.push({ ...base, staff_id: visitor, credit: 'visitor', closed_at: followUp!.metAt, on_time: onTimeOf(clocks, owners, visitor, 'visitor'), satisfied: null });
  for (const v of visitors) if (v !== visitor) credits.push({ ...base, staff_id: v, credit: 'visitor', closed_at: null, on_time: null, satisfied: null });
  if (row.rework_of_technician) credits.push({ ...base, staff_id: row.rework_of_technician, credit: 'rework_attributed', on_time: null, satisfied: null });
  return credits;
}
