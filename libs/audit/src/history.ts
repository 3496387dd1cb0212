import { type EventEnvelope, isCaseNumber, NotFoundError, ValidationError } from '@service-ledger/core';
import { loadCase } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { changeView, FRONT_DESK_DEPARTMENT, loadPolicyHistory, PolicyHistory, type PolicyChange } from '@service-ledger/policies';
import { evaluateCaseClocks } from '@service-ledger/analytics';
import type { SlaClock } from '@service-ledger/sla';
import { ACCESS_STREAM } from '@service-ledger/access-log';
import { COMPLAINT_STREAM } from '@service-ledger/complaints';
import { COURTESY_VISIT_STREAM } from '@service-ledger/courtesy-visits';
import { PROJECT_STREAM, STAFF_STREAM } from '@service-ledger/directory';
import { HELP_REQUEST_STREAM } from '@service-ledger/help-requests';
import { REPAIR_STREAM } from '@service-ledger/repairs';
import { VISITOR_STREAM } from '@service-ledger/visitor-log';

/** Stream categories an auditor may name a history by: every case, the directory and the access log. */
const CATEGORIES = [COMPLAINT_STREAM, REPAIR_STREAM, HELP_REQUEST_STREAM, COURTESY_VISIT_STREAM, VISITOR_STREAM, PROJECT_STREAM, STAFF_STREAM, ACCESS_STREAM];

/** Accepts a stream id (`repair-…`), a bare case id or a readable case number (`P01-202610-0042`), and finds its stream. */
export async function resolveCase(store: EventStore, caseId: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(caseId)) throw ValidationError.field('caseId', 'format', 'must be a case id, stream id or case number (letters, digits, - and _)');
  if (isCaseNumber(caseId) && store.findStreamByCaseNumber) {
    const numbered = await store.findStreamByCaseNumber(caseId);
    if (numbered) return numbered;
  }
  const candidates = CATEGORIES.some((c) => caseId.startsWith(`${c}-`)) ? [caseId] : CATEGORIES.map((c) => `${c}-${caseId}`);
  for (const streamId of candidates) {
    if ((await store.readStream(streamId, { toVersion: 1 })).length) return streamId;
  }
  throw new NotFoundError(`no case ${caseId}`);
}

export interface CaseAsOf {
  streamId: string;
  asOf: string;
  version: number;
  state: unknown;
  /** Each clock carries `policyVersion`: the policy changes in force when it started. */
  clocks: SlaClock[];
  /** Those changes, with who set them, when, why and what they changed. */
  policies: ReturnType<typeof changeView>[];
  events: EventEnvelope[];
}

/** A case as it stood at an instant: its events up to then, their fold, and which SLA clocks ran or were breached. */
export async function caseAsOf(store: EventStore, streamId: string, asOf: Date = new Date(), options: { timeZone?: string } = {}): Promise<CaseAsOf> {
  if (Number.isNaN(asOf.getTime())) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time');
  const all = await store.readStream(streamId);
  if (!all.length) throw new NotFoundError(`no case ${streamId}`);
  if (asOf.getTime() < Date.parse(all[0].occurredAt)) {
    throw ValidationError.field('asOf', 'before_case', `the case began at ${all[0].occurredAt}; there is no state before that`);
  }
  const { state, events } = await loadCase(store, streamId, asOf);
  // The policy as it stood then: changes recorded after `asOf` were not known yet (a later correction shows from then).
  const projectId = events[0].projectId;
  const known = await loadPolicyHistory(store, [projectId], options.timeZone);
  const history = new PolicyHistory(options.timeZone);
  for (const c of known.all()) if (Date.parse(c.recordedAt) <= asOf.getTime()) history.add(c);
  const used = new Map<string, PolicyChange>();
  const clocks = evaluateCaseClocks(events, (start) => {
    const p = history.inForce(projectId, start, FRONT_DESK_DEPARTMENT);
    for (const c of p.changes) used.set(c.id, c);
    return { policy: p.sla, calendar: p.calendar, version: p.version };
  }, asOf);
  return { streamId, asOf: asOf.toISOString(), version: events.at(-1)?.streamVersion ?? 0, state, clocks, policies: [...used.values()].map(changeView), events };
}
