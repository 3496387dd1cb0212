import { type CaseFacts, type EventEnvelope, streamCategory } from '@service-ledger/core';
import { COMPLAINT_CLOCK_OWNERS, type ComplaintClock, complaintClockOwner, complaintClocks, type ComplaintEnvelope, type ComplaintFacts, foldComplaint } from '@service-ledger/complaints';
import { COURTESY_VISIT_CASE_TYPE, COURTESY_VISIT_STREAM, type CourtesyVisitEnvelope, foldCourtesyVisit } from '@service-ledger/courtesy-visits';
import { foldHelpRequest, HELP_REQUEST_CASE_TYPE, HELP_REQUEST_CLOCK_OWNERS, HELP_REQUEST_STREAM, type HelpRequestClock, helpRequestClockOwner, helpRequestClocks, type HelpRequestEnvelope } from '@service-ledger/help-requests';
import { foldRepair, REPAIR_CLOCK_OWNERS, type RepairClock, repairClockOwner, repairClocks, type RepairEnvelope, type RepairFacts } from '@service-ledger/repairs';
import { type CaseType, type ClockChange, type ClockCredit, type ClockKind, clockChanges, type ClockOwner, type ClockRules, type ClockSource, clockTimeline, evaluateClocks, type SlaClock } from '@service-ledger/sla';

/** The rules for one case's clocks, and the log position of the policy changes in force at an instant. */
export interface CasePolicy {
  rules: ClockRules;
  /** Highest position of a policy change in force at `at` (0 when none): part of the rows' version. */
  positionAt(at: number): number;
}

/** Rows of every projection table that one case produces. */
export interface CaseRows {
  case: CaseRow;
  clocks: Record<string, unknown>[];
  clockHistory: Record<string, unknown>[];
  satisfaction: Record<string, unknown>[];
  complaintCategory: Record<string, unknown> | null;
  staff: Record<string, unknown>[];
}

/**
 * A row of the `cases` table before its clock columns (schema.ts). Each capability's read side decides its own
 * columns (`ComplaintCaseRow`, `RepairCaseRow`, …): passing this row to its fold checks that they agree.
 */
export type CaseRow = {
  case_id: string; case_number: string; case_type: string; project_id: string; building: string; status: string;
  opened_at: string; closed_at: string | null; first_responder_id: string; handler_id: string; department: string; channel: string; owner_ref: string;
  nature: string; communicative_kind: string; content: string; topic: string; major: number; reasonable: number | null; cause: string; escalation: string; reopen_count: number;
  first_reply_at: string | null; handled_at: string | null; repair_category: string; part: string; non_standard: number; appointment_at: string | null; technician_id: string;
  arrived_at: string | null; completed_at: string | null; quote_declined: number; paused_for_parts: number; material_cost: number; labour_cost: number; total_fee: number; paid: number;
  rework_of: string; rework_of_technician: string; help_kind: string; help_category: string; referred: number; answered_at: string | null; follow_up_count: number;
  last_satisfied: number | null; owner_satisfied: number | null; version: number;
  [clockColumn: `${string}_deadline` | `${string}_status`]: string | null;
};

/**
 * A capability's read side as the projector uses it: its case type, its clock rules (none for a courtesy visit), the
 * fold of its events into the row, and who answers for each of its clocks. Each is typed by the capability's own
 * event union and clock kinds.
 */
interface CaseReadSide<Ev, K extends ClockKind, F extends CaseFacts> {
  caseType: string;
  clocks: { caseType: CaseType; source: ClockSource<Ev, K>; owner: (c: SlaClock<K>, row: CaseRow, facts: F) => ClockOwner } | null;
  fold: (events: Ev[], row: CaseRow) => F;
}

/**
 * The one place a stored history becomes a capability's typed events: a stream's category names its capability, and
 * every event of such a stream belongs to that capability's union (the projector has quarantined unknown types).
 */
const readSide = <Ev, K extends ClockKind, F extends CaseFacts>(r: CaseReadSide<Ev, K, F>) => r as unknown as CaseReadSide<EventEnvelope, ClockKind, CaseFacts>;

/** Each case's read side by its stream category. */
const READ_SIDES: Record<string, CaseReadSide<EventEnvelope, ClockKind, CaseFacts>> = {
  complaint: readSide<ComplaintEnvelope, ComplaintClock, ComplaintFacts>({
    caseType: 'complaint', clocks: { caseType: 'complaint', source: complaintClocks, owner: complaintClockOwner }, fold: foldComplaint,
  }),
  repair: readSide<RepairEnvelope, RepairClock, RepairFacts>({
    caseType: 'repair', clocks: { caseType: 'repair', source: repairClocks, owner: repairClockOwner }, fold: foldRepair,
  }),
  [HELP_REQUEST_STREAM]: readSide<HelpRequestEnvelope, HelpRequestClock, CaseFacts>({
    caseType: HELP_REQUEST_CASE_TYPE, clocks: { caseType: HELP_REQUEST_CASE_TYPE, source: helpRequestClocks, owner: helpRequestClockOwner }, fold: foldHelpRequest,
  }),
  [COURTESY_VISIT_STREAM]: readSide<CourtesyVisitEnvelope, never, CaseFacts>({ caseType: COURTESY_VISIT_CASE_TYPE, clocks: null, fold: foldCourtesyVisit }),
};
export const CASE_CATEGORIES = Object.keys(READ_SIDES);

/** Stream category by case type: the inverse of READ_SIDES (a help request's stream is `help-…`, its case type `help_request`). */
const CATEGORY_OF_CASE_TYPE = new Map(Object.entries(READ_SIDES).map(([category, side]) => [side.caseType, category]));

/**
 * The stream id of a case named by a row (`case_type`, `case_id`): how the worklist, the notifier and a policy change
 * get back from the tables to the store. An unknown case type is taken as its own category.
 */
export function caseStreamId(caseType: string, caseId: string): string {
  return `${CATEGORY_OF_CASE_TYPE.get(caseType) ?? caseType}-${caseId}`;
}
/** The read side of a stream category (own keys only: a category such as `constructor` names none). */
const readSideOf = (category: string) => (Object.hasOwn(READ_SIDES, category) ? READ_SIDES[category] : undefined);

/**
 * Every SLA clock of one case, as of an instant, by its capability's rules (none for a stream without clocks). The
 * audit's case-as-of and the projector use this one dispatch.
 */
export function evaluateCaseClocks(events: EventEnvelope[], rules: ClockRules, asOf: Date): SlaClock[] {
  const clocks = events.length ? readSideOf(streamCategory(events[0].streamId))?.clocks : null;
  return clocks ? evaluateClocks(clocks.source, clocks.caseType, events, rules, asOf) : [];
}

/** A case's clock history (`clockChanges` of libs/sla) by its capability's rules. */
export function caseClockChanges(events: EventEnvelope[], rules: ClockRules) {
  const clocks = events.length ? readSideOf(streamCategory(events[0].streamId))?.clocks : null;
  return clocks ? clockChanges(clocks.source, events, rules) : [];
}

/**
 * The status a clock is stored with: a clock still open (neither met nor cancelled) is stored running even when its
 * deadline had passed by its case's last event, and whether it is breached now is decided when it is read
 * (`clockStatusNow`, libs/analytics kpi/builder.ts) — the one place, for KPIs, panels, the breach report, the worklist
 * and the notifier. A stored 'breached' therefore always means stopped late: met, or cancelled, after the deadline.
 */
function storedStatus(c: SlaClock): SlaClock['status'] {
  return c.status === 'breached' && c.metAt === null && c.cancelledAt === null ? 'running' : c.status;
}

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
  // The clocks as of the last event and the clock history, from one evaluation of each prefix of the case.
  const clockSide = readSideOf(category)?.clocks;
  const { clocks, changes } = clockSide ? clockTimeline(clockSide.source, clockSide.caseType, events, policy.rules) : { clocks: [], changes: [] };
  // A policy change re-evaluates the clocks that started since its effective instant: rows written then must replace
  // the earlier ones, so the version covers the changes in force at the latest clock start, whatever the batching.
  const latestStart = clocks.reduce((m, c) => Math.max(m, Date.parse(c.startedAt)), -Infinity);
  const version = Math.max(Number(last.globalPosition), clocks.length ? policy.positionAt(latestStart) : 0);
  const status = (kind: string) => {
    const c = clocks.find((x) => x.clock === kind);
    return c ? storedStatus(c) : '';
  };

  const side = readSideOf(category);
  if (!side) throw new Error(`no read side for stream category '${category}'`);
  const row: CaseRow = {
    case_id: caseId, case_number: first.caseNumber ?? '', case_type: side.caseType, project_id: first.projectId, building: '', status: 'open',
    opened_at: first.occurredAt, closed_at: null, first_responder_id: '', handler_id: '', department: '', channel: '', owner_ref: '',
    nature: '', communicative_kind: '', content: '', topic: '', major: 0, reasonable: null, cause: '', escalation: '', reopen_count: 0,
    first_reply_at: null, handled_at: null, repair_category: '', part: '', non_standard: 0, appointment_at: null, technician_id: '',
    arrived_at: null, completed_at: null, quote_declined: 0, paused_for_parts: 0, material_cost: 0, labour_cost: 0, total_fee: 0, paid: 0,
    rework_of: '', rework_of_technician: '', help_kind: '', help_category: '', referred: 0, answered_at: null, follow_up_count: 0,
    last_satisfied: null, owner_satisfied: null, version,
  };
  const facts = side.fold(events, row);
  // A clock still running is judged at query time against its deadline (null while paused: the deadline moves).
  const deadline = (kind: string) => {
    const c = clocks.find((x) => x.clock === kind);
    return c && storedStatus(c) === 'running' && !c.paused ? c.deadline : null;
  };
  Object.assign(row, {
    first_reply_deadline: deadline('complaint_first_reply'), promised_reply_deadline: deadline('complaint_promised_reply'), arrival_deadline: deadline('repair_arrival'),
    fix_deadline: deadline('repair_fix'), assessment_deadline: deadline('repair_assessment'), help_answer_deadline: deadline('help_answer'), follow_up_deadline: deadline('follow_up_visit'),
    first_reply_status: status('complaint_first_reply'), promised_reply_status: status('complaint_promised_reply'), arrival_status: status('repair_arrival'),
    fix_status: status('repair_fix'), assessment_status: status('repair_assessment'), help_answer_status: status('help_answer'), follow_up_status: status('follow_up_visit'),
  });
  const satisfaction = facts.followUpVisits.map((v) => ({
    visit_id: v.visitId, case_id: caseId, case_type: row.case_type, project_id: first.projectId, visited_at: v.at, method: v.method,
    satisfied: v.satisfied ? 1 : 0, remarks: v.remarks, visitor_id: v.visitorId, responsible_id: v.responsibleId, department: row.department, version,
  }));

  const owners = new Map(clocks.map((c) => [c.clock, side.clocks!.owner(c, row, facts)]));
  const clockRows = clocks.map((c) => ({
    case_id: caseId, case_number: row.case_number, clock: c.clock, case_type: row.case_type, project_id: first.projectId, opened_at: row.opened_at, category: row.repair_category || row.nature, responsible_id: owners.get(c.clock)!.staffId,
    started_at: c.startedAt, deadline: c.deadline, warning_at: c.warningAt, met_at: c.metAt, status: storedStatus(c), breach_seconds: storedStatus(c) === 'running' ? 0 : c.breachSeconds,
    paused_seconds: c.pausedSeconds, paused: c.paused ? 1 : 0, policy_version: c.policyVersion, version,
  }));

  return {
    case: row,
    clocks: clockRows,
    clockHistory: clockHistory(events, changes, caseId, first.projectId),
    satisfaction,
    complaintCategory: category === 'complaint' ? {
      complaint_id: caseId, project_id: first.projectId, received_at: first.occurredAt, nature: row.nature, communicative_kind: row.communicative_kind,
      content: row.content, topic: row.topic, major: row.major, reasonable: row.reasonable, cause: row.cause, version,
    } : null,
    staff: staffCredits(row, clocks, owners, version, facts.workers, new Set(row.case_type === COURTESY_VISIT_CASE_TYPE ? [] : facts.followUpVisits.map((v) => v.visitorId))),
  };
}

/** One row each time a clock's status, deadline or met time changes, so breaches stay on record. */
function clockHistory(events: EventEnvelope[], changes: ClockChange[], caseId: string, projectId: string): Record<string, unknown>[] {
  return changes.map((c) => {
    const e = events[c.index];
    return { case_id: caseId, clock: c.clock, version: Number(e.globalPosition), project_id: projectId, status: c.status, deadline: c.deadline, met_at: c.metAt, breach_seconds: c.breachSeconds, changed_at: e.occurredAt };
  });
}

/**
 * Who answers for each clock, in words, as each capability states them beside its `…ClockOwner` (KPI.md is generated
 * from this). The follow-up visit is judged alike for complaints and repairs; the repairs' wording is the one shown.
 */
export const CLOCK_OWNERS: Record<ClockKind, string> = {
  complaint_first_reply: COMPLAINT_CLOCK_OWNERS.complaint_first_reply,
  complaint_promised_reply: COMPLAINT_CLOCK_OWNERS.complaint_promised_reply,
  repair_arrival: REPAIR_CLOCK_OWNERS.repair_arrival,
  repair_fix: REPAIR_CLOCK_OWNERS.repair_fix,
  repair_assessment: REPAIR_CLOCK_OWNERS.repair_assessment,
  help_answer: HELP_REQUEST_CLOCK_OWNERS.help_answer,
  follow_up_visit: REPAIR_CLOCK_OWNERS.follow_up_visit,
};

/** 1 when every decided clock a person answers for in the case was met, 0 when one was breached, null when none decided. */
function onTimeOf(clocks: SlaClock[], owners: Map<string, ClockOwner>, staffId: string, credit: ClockCredit): number | null {
  const decided = clocks.filter((c) => (c.status === 'met' || c.status === 'breached') && owners.get(c.clock)?.staffId === staffId && owners.get(c.clock)?.credit === credit);
  return decided.length === 0 ? null : decided.every((c) => c.status === 'met') ? 1 : 0;
}

/**
 * 首问负责制: the first responder is credited with receiving and following up; the handler or technician with the
 * work; the assessor and the visitor with their own clocks. Each credit's on-time covers only the clocks that person
 * answers for (the capability's `…ClockOwner`); satisfaction is the last follow-up visit, credited to the handler; a rework is
 * attributed to the original order's technician.
 */
function staffCredits(row: CaseRow, clocks: SlaClock[], owners: Map<string, ClockOwner>, version: number, workers: Set<string>, visitors: Set<string>): Record<string, unknown>[] {
  const base = { case_id: row.case_id, case_type: row.case_type, project_id: row.project_id, received_at: row.opened_at, closed_at: row.closed_at, satisfied: row.last_satisfied, version };
  const credits: Record<string, unknown>[] = [];
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
