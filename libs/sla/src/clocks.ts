import type { CaseFacts, DomainEvent, EventEnvelope } from '@service-ledger/core';
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

export interface SlaClock<K extends ClockKind = ClockKind> {
  caseId: string;
  caseType: CaseType;
  projectId: string;
  clock: K;
  startedAt: string;
  /** Deadline, already extended by paused time. */
  deadline: string;
  warningAt: string;
  metAt: string | null;
  /** When the clock stopped without being met (its case cancelled, an urgent repair reclassified general); else null. */
  cancelledAt: string | null;
  /** 'breached' = met late, cancelled late, or still open past the deadline at `asOf`. */
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

/**
 * What starts and stops each clock, for docs and the KPI definitions. The rules themselves live beside each
 * capability's events (`read-side/clocks.ts` of libs/complaints, libs/repairs, libs/help-requests); this engine judges them.
 */
export const clockDefinitions: Record<ClockKind, { caseType: CaseType; starts: string; stops: string; limit: string; time: 'wall clock' | 'working time' }> = {
  complaint_first_reply: { caseType: 'complaint', starts: 'ComplaintReceived', stops: 'first ComplaintRepliedToOwner or ComplaintHandled', limit: 'half a working day: half the project’s standard working day on its calendar (3 h 45 min for the default 08:30–12:00 + 13:30–17:30), unless the policy sets its own (complaintFirstReplyWorkingMs)', time: 'working time' },
  complaint_promised_reply: { caseType: 'complaint', starts: 'ComplaintResponsibilityAssigned', stops: 'a reply or handling after the promise', limit: 'the promised time (latest promise)', time: 'wall clock' },
  repair_arrival: { caseType: 'repair', starts: 'RepairReported, or the appointment when later', stops: 'TechnicianArrived', limit: 'urgent only: 2 h by default (urgentArrivalMs), paused time excluded; cancelled when reclassified general before arrival', time: 'wall clock' },
  repair_fix: { caseType: 'repair', starts: 'RepairReported, or the appointment when later', stops: 'RepairCompleted', limit: 'urgent 24 h, general 72 h (by the current category), paused time excluded', time: 'wall clock' },
  repair_assessment: { caseType: 'repair', starts: 'RepairReported (non-standard item)', stops: 'RepairAssessed', limit: '15 min (assessmentMs)', time: 'wall clock' },
  help_answer: { caseType: 'help_request', starts: 'HelpRequestReceived', stops: 'HelpRequestAnswered', limit: '5 min (helpAnswerMs)', time: 'wall clock' },
  follow_up_visit: { caseType: 'repair', starts: 'RepairCompleted / ComplaintHandled (latest)', stops: 'the follow-up visit after it', limit: 'followUpVisitMs', time: 'wall clock' },
};

/** A stretch of time a pausable clock does not count (a repair paused, for example); `to` null while it lasts. */
export interface Pause {
  from: number;
  to: number | null;
}

/** One clock as a capability's rules start and stop it, before it is judged as of an instant. Times in epoch ms. */
export interface ClockSpec<K extends ClockKind = ClockKind> {
  clock: K;
  start: number;
  /** Deadline before pauses, and the warning instant. */
  deadline: number;
  warning: number;
  met: number | null;
  pausable: boolean;
  cancelledAt?: number | null;
  version: string;
}

/** The clocks a case's events start and stop, and the pauses the pausable ones skip. */
export interface CaseClockSpecs<K extends ClockKind = ClockKind> {
  specs: ClockSpec<K>[];
  pauses: Pause[];
}

/**
 * A capability's clock rules: the clocks its case's events start and stop. Pure, typed by the capability's events;
 * `evaluateClocks` and `clockChanges` judge what it returns. It must not keep or modify the events array it is given
 * (`clockChanges` grows one array through a case's prefixes).
 */
export type ClockSource<Ev, K extends ClockKind = ClockKind> = (events: Ev[], rules: ClockRules) => CaseClockSpecs<K>;

const t = (iso: string) => Date.parse(iso);

type CaseIds = Pick<SlaClock, 'caseId' | 'caseType' | 'projectId'>;
/** Any case's stored events, whatever its event union. */
type CaseEnvelope = EventEnvelope<DomainEvent<string, unknown>>;

function caseIds(first: CaseEnvelope, caseType: CaseType): CaseIds {
  const dash = first.streamId.indexOf('-');
  return { caseId: first.streamId.slice(dash + 1), caseType, projectId: first.projectId };
}

/**
 * Every SLA clock of one case, as of an instant: a pure function of the case's events (read by the capability's
 * `source` rules), the project's policy and its business calendar. Clocks that were breached stay breached whatever
 * happens later.
 */
export function evaluateClocks<Ev extends CaseEnvelope, K extends ClockKind>(source: ClockSource<Ev, K>, caseType: CaseType, events: Ev[], rules: ClockRules, asOf: Date): SlaClock<K>[] {
  if (events.length === 0) return [];
  const c = source(events, rules);
  const ids = caseIds(events[0], caseType);
  const now = asOf.getTime();
  return c.specs.map((s) => finish(s, settle(s, s.pausable ? c.pauses : [], now), ids));
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
 * A case's clock history: the clocks are evaluated as of each of its events in turn (as `evaluateClocks` would
 * on that prefix) and a change is recorded whenever a clock's status, deadline or met time differs from the last
 * one recorded for it — so a breach stays on record even after the clock is met.
 */
export function clockChanges<Ev extends CaseEnvelope>(source: ClockSource<Ev>, events: Ev[], rules: ClockRules): ClockChange[] {
  return timeline(source, events, rules, () => undefined);
}

/**
 * A case's clocks as of its last event (`evaluateClocks` as of that event's time) and its clock history
 * (`clockChanges`) together: the history's evaluation after the last event is that very evaluation, so the projector
 * evaluates each prefix of the case once, not the whole case twice.
 */
export function clockTimeline<Ev extends CaseEnvelope, K extends ClockKind>(source: ClockSource<Ev, K>, caseType: CaseType, events: Ev[], rules: ClockRules): { clocks: SlaClock<K>[]; changes: ClockChange[] } {
  if (events.length === 0) return { clocks: [], changes: [] };
  const ids = caseIds(events[0], caseType);
  let clocks: SlaClock<K>[] = [];
  const changes = timeline(source, events, rules, (specs, settled) => (clocks = specs.map((s, i) => finish(s, settled[i], ids))));
  return { clocks, changes };
}

/** `clockChanges`, handing the last event's specs and their judgement to `atLast`. */
function timeline<Ev extends CaseEnvelope, K extends ClockKind>(source: ClockSource<Ev, K>, events: Ev[], rules: ClockRules, atLast: (specs: ClockSpec<K>[], settled: Settled[]) => void): ClockChange[] {
  const changes: ClockChange[] = [];
  const last = new Map<ClockKind, { status: ClockStatus; deadline: number; met: number | null }>();
  // One array grown event by event serves as every prefix (a source reads its events and keeps no reference to them):
  // a copy per prefix made every fold allocate quadratically in the case's length.
  const prefix: Ev[] = [];
  for (let i = 0; i < events.length; i++) {
    prefix.push(events[i]);
    const c = source(prefix, rules);
    const now = t(events[i].occurredAt);
    const settled = c.specs.map((s) => settle(s, s.pausable ? c.pauses : [], now));
    for (let j = 0; j < c.specs.length; j++) {
      const s = c.specs[j];
      const { status, deadline, breach } = settled[j];
      // Compared as numbers: formatting every clock after every event would cost more than the evaluation.
      const seen = last.get(s.clock);
      if (seen && seen.status === status && sameInstant(seen.deadline, deadline) && sameInstant(seen.met, s.met)) continue;
      last.set(s.clock, { status, deadline, met: s.met });
      changes.push({ index: i, clock: s.clock, status, deadline: iso(deadline), metAt: s.met === null ? null : iso(s.met), breachSeconds: Math.floor(breach / 1000) });
    }
    if (i === events.length - 1) atLast(c.specs, settled);
  }
  return changes;
}

/** Equal as the history's text would be: an unreadable time (NaN) is the same as another. */
const sameInstant = (a: number | null, b: number | null) => a === b || (Number.isNaN(a) && Number.isNaN(b));

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
  // Extend the deadline by every pause that began before the (extended) deadline and before the clock stopped. A
  // pause that begins at the instant judged is already in force: the projector judges a case as of its last event,
  // so a case whose last event is the pause must read as paused (deadline moving), not as running to the old deadline.
  let deadline = s.deadline;
  let warning = s.warning;
  let paused = 0;
  let pausedNow = false;
  for (const p of pauses.length > 1 ? [...pauses].sort((a, b) => a.from - b.from) : pauses) {
    const from = Math.max(p.from, s.start);
    if (from >= deadline || from > end) continue;
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

function finish<K extends ClockKind>(s: ClockSpec<K>, c: Settled, ids: CaseIds): SlaClock<K> {
  return {
    caseId: ids.caseId,
    caseType: ids.caseType,
    projectId: ids.projectId,
    clock: s.clock,
    startedAt: iso(s.start),
    deadline: iso(c.deadline),
    warningAt: iso(c.warning),
    metAt: s.met === null ? null : iso(s.met),
    cancelledAt: s.met === null && s.cancelledAt != null ? iso(s.cancelledAt) : null,
    status: c.status,
    breachSeconds: Math.floor(c.breach / 1000),
    pausedSeconds: Math.floor(c.paused / 1000),
    paused: c.pausedNow,
    policyVersion: s.version,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A wall-clock limit, by the rules in force at the clock's start. */
export function wallClock<K extends ClockKind>(clock: K, start: number, limitOf: (p: SlaPolicy) => number, rules: ClockRules, met: number | null, pausable = false): ClockSpec<K> {
  const { policy, version } = rules(start);
  const limit = limitOf(policy);
  return { clock, start, deadline: start + limit, warning: start + Math.round(limit * policy.warningFraction), met, pausable, version };
}


/** Who answers for a clock's outcome, and which credit of the staff scorecard it counts for. */
export type ClockCredit = 'first_responder' | 'handler' | 'assessor' | 'visitor';
export interface ClockOwner {
  staffId: string;
  credit: ClockCredit;
}

/** Who answers for the follow-up visit clock, in words (KPI.md): the same for every case type that has one. */
export const FOLLOW_UP_VISIT_OWNER = 'visitor who made the visit; the first responder until visited';

/** The follow-up visit clock is charged to the visitor whose visit stopped it; to the first responder until then. */
export function followUpVisitOwner(c: { metAt: string | null }, facts: CaseFacts, firstResponderId: string): ClockOwner {
  const visit = c.metAt ? facts.followUpVisits.find((v) => Date.parse(v.at) === Date.parse(c.metAt!)) : undefined;
  return visit ? { staffId: visit.visitorId, credit: 'visitor' } : { staffId: firstResponderId, credit: 'first_responder' };
}
