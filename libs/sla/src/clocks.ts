import type { EventEnvelope } from '@service-ledger/core';
import type { BusinessCalendar } from '@service-ledger/calendar';
import type { SlaPolicy } from './policy';

export type CaseType = 'complaint' | 'repair' | 'help_request';
export type ClockKind =
  | 'complaint_first_reply'
  | 'complaint_promised_reply'
  | 'repair_arrival'
  | 'repair_fix'
  | 'repair_assessment'
  | 'help_answer'
  | 'follow_up_visit';
export type ClockStatus = 'running' | 'met' | 'breached' | 'cancelled';

export interface SlaClock {
  caseId: string;
  caseType: CaseType;
  projectId: string;
  clock: ClockKind;
  startedAt: string;
  /** Deadline, already extended by paused time. */
  deadline: string;
  warningAt: string;
  metAt: string | null;
  /** 'breached' = met late, or still open past the deadline at `asOf`. */
  status: ClockStatus;
  /** How long over the deadline (0 unless breached). */
  breachSeconds: number;
  pausedSeconds: number;
  paused: boolean;
  /** The policy version in force when the clock started (libs/policies), `default` without one. */
  policyVersion: string;
}

/** The limits and calendar in force at an instant, with the version they come from. */
export interface RulesAt {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  version: string;
}
/** Which rules apply to a clock that started at `startMs` (epoch ms): each clock keeps the rules of its start. */
export type ClockRules = (startMs: number) => RulesAt;

/** One policy and calendar for every clock (tests, and the defaults). */
export function fixedRules(policy: SlaPolicy, calendar: BusinessCalendar, version = 'default'): ClockRules {
  const rules = { policy, calendar, version };
  return () => rules;
}

function toRules(a: SlaPolicy | ClockRules, b: BusinessCalendar | undefined): ClockRules {
  return typeof a === 'function' ? a : fixedRules(a, b!);
}

/** What starts and stops each clock, for docs and the KPI definitions. */
export const clockDefinitions: Record<ClockKind, { caseType: CaseType; starts: string; stops: string; limit: string; time: 'wall clock' | 'working time' }> = {
  complaint_first_reply: { caseType: 'complaint', starts: 'ComplaintReceived', stops: 'first ComplaintRepliedToOwner or ComplaintHandled', limit: 'half a working day: half the project’s standard working day on its calendar (3 h 45 min for the default 08:30–12:00 + 13:30–17:30), unless the policy sets its own (complaintFirstReplyWorkingMs)', time: 'working time' },
  complaint_promised_reply: { caseType: 'complaint', starts: 'ComplaintResponsibilityAssigned', stops: 'a reply or handling after the promise', limit: 'the promised time (latest promise)', time: 'wall clock' },
  repair_arrival: { caseType: 'repair', starts: 'RepairReported, or the appointment when later', stops: 'TechnicianArrived', limit: 'urgent only: 2 h by default (urgentArrivalMs), paused time excluded; cancelled when reclassified general before arrival', time: 'wall clock' },
  repair_fix: { caseType: 'repair', starts: 'RepairReported, or the appointment when later', stops: 'RepairCompleted', limit: 'urgent 24 h, general 72 h (by the current category), paused time excluded', time: 'wall clock' },
  repair_assessment: { caseType: 'repair', starts: 'RepairReported (non-standard item)', stops: 'RepairAssessed', limit: '15 min (assessmentMs)', time: 'wall clock' },
  help_answer: { caseType: 'help_request', starts: 'HelpRequestReceived', stops: 'HelpRequestAnswered', limit: '5 min (helpAnswerMs)', time: 'wall clock' },
  follow_up_visit: { caseType: 'repair', starts: 'RepairCompleted / ComplaintHandled (latest)', stops: 'the follow-up visit after it', limit: 'followUpVisitMs', time: 'wall clock' },
};

interface Pause {
  from: number;
  to: number | null;
}

interface ClockSpec {
  clock: ClockKind;
  start: number;
  /** Deadline before pauses, and the warning instant. */
  deadline: number;
  warning: number;
  met: number | null;
  pausable: boolean;
  cancelledAt?: number | null;
  version: string;
}

const t = (iso: string) => Date.parse(iso);

/**
 * Every SLA clock of one case, as of an instant: a pure function of the case's events, the project's policy
 * and its business calendar. Clocks that were breached stay breached whatever happens later.
 */
export function evaluateCaseClocks(events: EventEnvelope[], rules: ClockRules, asOf: Date): SlaClock[];
export function evaluateCaseClocks(events: EventEnvelope[], policy: SlaPolicy, calendar: BusinessCalendar, asOf: Date): SlaClock[];
export function evaluateCaseClocks(events: EventEnvelope[], a: SlaPolicy | ClockRules, b: BusinessCalendar | Date, c2?: Date): SlaClock[] {
  const asOf = (b instanceof Date ? b : c2)!;
  const c = caseClocks(events, toRules(a, b instanceof Date ? undefined : b));
  if (!c) return [];
  const now = asOf.getTime();
  return c.specs.map((s) => finish(s, settle(s, s.pausable ? c.pauses : [], now), c.ids));
}

/** When a clock's status, deadline or met time changed, as of the event at `index` of the case. */
export interface ClockChange {
  index: number;
  clock: ClockKind;
  status: ClockStatus;
  deadline: string;
  metAt: string | null;
  breachSeconds: number;
}

/**
 * A case's clock history: the clocks are evaluated as of each of its events in turn (as `evaluateCaseClocks` would
 * on that prefix) and a change is recorded whenever a clock's status, deadline or met time differs from the last
 * one recorded for it — so a breach stays on record even after the clock is met.
 */
export function clockChanges(events: EventEnvelope[], policy: SlaPolicy | ClockRules, calendar?: BusinessCalendar): ClockChange[] {
  const rules = toRules(policy, calendar);
  const changes: ClockChange[] = [];
  const last = new Map<ClockKind, string>();
  for (let i = 0; i < events.length; i++) {
    const c = caseClocks(events.slice(0, i + 1), rules);
    if (!c) continue;
    const now = t(events[i].occurredAt);
    for (const s of c.specs) {
      const settled = settle(s, s.pausable ? c.pauses : [], now);
      // Compared as numbers: formatting every clock after every event would cost more than the evaluation.
      const key = `${settled.status}|${settled.deadline}|${s.met}`;
      if (last.get(s.clock) === key) continue;
      last.set(s.clock, key);
      changes.push({ index: i, clock: s.clock, status: settled.status, deadline: iso(settled.deadline), metAt: s.met === null ? null : iso(s.met), breachSeconds: Math.floor(settled.breach / 1000) });
    }
  }
  return changes;
}

type CaseIds = Pick<SlaClock, 'caseId' | 'caseType' | 'projectId'>;

/** The clocks a case's events start and stop (not yet judged as of an instant); null for cases without clocks. */
function caseClocks(events: EventEnvelope[], rules: ClockRules): { ids: CaseIds; specs: ClockSpec[]; pauses: Pause[] } | null {
  if (events.length === 0) return null;
  const first = events[0];
  const dash = first.streamId.indexOf('-');
  const category = first.streamId.slice(0, dash);
  const ids = (caseType: CaseType): CaseIds => ({ caseId: first.streamId.slice(dash + 1), caseType, projectId: first.projectId });
  if (category === 'complaint') return { ids: ids('complaint'), specs: complaintClocks(events, rules), pauses: [] };
  if (category === 'repair') return { ids: ids('repair'), ...repairClocks(events, rules) };
  if (category === 'help') return { ids: ids('help_request'), specs: helpClocks(events, rules), pauses: [] };
  return null;
}

interface Settled {
  deadline: number;
  warning: number;
  paused: number;
  pausedNow: boolean;
  status: ClockStatus;
  breach: number;
}

/** Judges a clock as of `now`: its deadline extended by pauses, and whether it is met, breached or running. */
function settle(s: ClockSpec, pauses: Pause[], now: number): Settled {
  const end = s.met ?? (s.cancelledAt ?? now);
  // Extend the deadline by every pause that began before the (extended) deadline and before the clock stopped.
  let deadline = s.deadline;
  let warning = s.warning;
  let paused = 0;
  let pausedNow = false;
  for (const p of pauses.length > 1 ? [...pauses].sort((a, b) => a.from - b.from) : pauses) {
    const from = Math.max(p.from, s.start);
    if (from >= deadline || from >= end) continue;
    const to = Math.min(p.to ?? end, end);
    if (p.to === null && s.met === null && s.cancelledAt == null) pausedNow = true;
    const length = Math.max(0, to - from);
    paused += length;
    deadline += length;
    if (from < warning) warning += length;
  }
  let status: ClockStatus;
  let breach = 0;
  if (s.met !== null) {
    status = s.met <= deadline ? 'met' : 'breached';
    breach = Math.max(0, s.met - deadline);
  } else if (s.cancelledAt != null) {
    status = s.cancelledAt > deadline ? 'breached' : 'cancelled';
    breach = Math.max(0, s.cancelledAt - deadline);
  } else if (!pausedNow && now > deadline) {
    status = 'breached';
    breach = now - deadline;
  } else status = 'running';
  return { deadline, warning, paused, pausedNow, status, breach };
}

function finish(s: ClockSpec, c: Settled, ids: CaseIds): SlaClock {
  return {
    ...ids,
    clock: s.clock,
    startedAt: iso(s.start),
    deadline: iso(c.deadline),
    warningAt: iso(c.warning),
    metAt: s.met === null ? null : iso(s.met),
    status: c.status,
    breachSeconds: Math.floor(c.breach / 1000),
    pausedSeconds: Math.floor(c.paused / 1000),
    paused: c.pausedNow,
    policyVersion: s.version,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A wall-clock limit, by the rules in force at the clock's start. */
function wall(clock: ClockKind, start: number, limitOf: (p: SlaPolicy) => number, rules: ClockRules, met: number | null, pausable = false): ClockSpec {
  const { policy, version } = rules(start);
  const limit = limitOf(policy);
  return { clock, start, deadline: start + limit, warning: start + Math.round(limit * policy.warningFraction), met, pausable, version };
}

function complaintClocks(events: EventEnvelope[], rules: ClockRules): ClockSpec[] {
  const received = events.find((e) => e.type === 'ComplaintReceived');
  if (!received) return [];
  const start = t(received.occurredAt);
  const { policy, calendar, version } = rules(start);
  const replies = events.filter((e) => e.type === 'ComplaintRepliedToOwner' || e.type === 'ComplaintHandled').map((e) => t(e.occurredAt));
  const specs: ClockSpec[] = [
    {
      clock: 'complaint_first_reply',
      start,
      deadline: calendar.addWorkingTime(new Date(start), policy.complaintFirstReplyWorkingMs).getTime(),
      warning: calendar.addWorkingTime(new Date(start), policy.complaintFirstReplyWorkingMs * policy.warningFraction).getTime(),
      met: replies.length ? Math.min(...replies) : null,
      pausable: false,
      version,
    },
  ];
  const promises = events.filter((e) => e.type === 'ComplaintResponsibilityAssigned');
  const promise = promises[promises.length - 1];
  if (promise) {
    const from = t(promise.occurredAt);
    const by = t((promise.data as { promisedReplyBy: string }).promisedReplyBy);
    const after = replies.filter((r) => r >= from);
    const promiseRules = rules(from);
    specs.push({ clock: 'complaint_promised_reply', start: from, deadline: by, warning: from + Math.round((by - from) * promiseRules.policy.warningFraction), met: after.length ? Math.min(...after) : null, pausable: false, version: promiseRules.version });
  }
  const handled = events.filter((e) => e.type === 'ComplaintHandled');
  const lastHandled = handled[handled.length - 1];
  if (lastHandled) {
    const from = t(lastHandled.occurredAt);
    const visit = events.find((e) => e.type === 'ComplaintFollowUpVisited' && t(e.occurredAt) >= from);
    specs.push(wall('follow_up_visit', from, (p) => p.followUpVisitMs, rules, visit ? t(visit.occurredAt) : null));
  }
  return specs;
}

function repairClocks(events: EventEnvelope[], rules: ClockRules): { specs: ClockSpec[]; pauses: Pause[] } {
  const reported = events.find((e) => e.type === 'RepairReported');
  if (!reported) return { specs: [], pauses: [] };
  const data = reported.data as { category: 'urgent' | 'general'; nonStandard: boolean; appointmentAt?: string };
  let category = data.category;
  let everUrgent = category === 'urgent';
  let downgradedAt: number | null = null;
  const pauses: Pause[] = [];
  let arrived: number | null = null;
  let completed: number | null = null;
  let assessed: number | null = null;
  let cancelled: number | null = null;
  for (const e of events) {
    const at = t(e.occurredAt);
    if (e.type === 'RepairReclassified') {
      const to = (e.data as { to: 'urgent' | 'general' }).to;
      if (to === 'general' && category === 'urgent') downgradedAt = at;
      if (to === 'urgent') (everUrgent = true), (downgradedAt = null);
      category = to;
    }
    else if (e.type === 'RepairPaused') pauses.push({ from: at, to: null });
    else if (e.type === 'RepairResumed' && pauses.length && pauses[pauses.length - 1].to === null) pauses[pauses.length - 1].to = at;
    else if (e.type === 'TechnicianArrived' && arrived === null) arrived = at;
    else if (e.type === 'RepairCompleted') completed = at;
    else if (e.type === 'RepairAssessed' && assessed === null) assessed = at;
    else if (e.type === 'RepairCancelled') cancelled = at;
  }
  const reportedAt = t(reported.occurredAt);
  // The owner chose a later appointment: the company's clocks start then.
  const start = data.appointmentAt ? Math.max(reportedAt, t(data.appointmentAt)) : reportedAt;
  const specs: ClockSpec[] = [];
  // An urgent repair reclassified as general keeps its arrival clock, cancelled at the reclassification (a breach
  // already incurred stays): the clock does not vanish, so its row is replaced whatever batches the events came in.
  const arrival = everUrgent ? wall('repair_arrival', start, (p) => p.urgentArrivalMs, rules, category === 'urgent' || (arrived !== null && arrived <= downgradedAt!) ? arrived : null, true) : null;
  if (arrival) specs.push(arrival);
  specs.push(wall('repair_fix', start, (p) => (category === 'urgent' ? p.urgentFixMs : p.generalFixMs), rules, completed, true));
  if (data.nonStandard) specs.push(wall('repair_assessment', reportedAt, (p) => p.assessmentMs, rules, assessed));
  if (completed !== null) {
    const visit = events.find((e) => e.type === 'RepairFollowUpVisited');
    specs.push(wall('follow_up_visit', completed, (p) => p.followUpVisitMs, rules, visit ? t(visit.occurredAt) : null));
  }
  for (const s of specs) if (s.met === null) s.cancelledAt = cancelled;
  if (arrival && category === 'general' && arrival.met === null) arrival.cancelledAt = cancelled === null ? downgradedAt : Math.min(cancelled, downgradedAt!);
  return { specs, pauses };
}

function helpClocks(events: EventEnvelope[], rules: ClockRules): ClockSpec[] {
  const received = events.find((e) => e.type === 'HelpRequestReceived');
  if (!received) return [];
  const answered = events.find((e) => e.type === 'HelpRequestAnswered');
  return [wall('help_answer', t(received.occurredAt), (p) => p.helpAnswerMs, rules, answered ? t(answered.occurredAt) : null)];
}
