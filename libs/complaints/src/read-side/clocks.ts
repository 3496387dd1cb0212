import { type EnvelopeOf, ofType } from '@service-ledger/core';
import { type CaseClockSpecs, type ClockRules, type ClockSpec, wallClock } from '@service-ledger/sla';
import type { ComplaintEvent } from '../events';

/** A complaint's stored events, one envelope type per event (`switch (e.type)` narrows `e.data`). */
export type ComplaintEnvelope = EnvelopeOf<ComplaintEvent>;
export type ComplaintClock = 'complaint_first_reply' | 'complaint_promised_reply' | 'follow_up_visit';

const t = (iso: string) => Date.parse(iso);

/**
 * A complaint's clocks (libs/sla judges them): the first reply within half a working day of receipt; the promised
 * reply by the time promised at 定责 (the latest promise); the follow-up visit after the latest handling.
 */
export function complaintClocks(events: ComplaintEnvelope[], rules: ClockRules): CaseClockSpecs<ComplaintClock> {
  const received = events.find(ofType('ComplaintReceived'));
  if (!received) return { specs: [], pauses: [] };
  const start = t(received.occurredAt);
  const { policy, calendar, version } = rules(start);
  const replies = events.filter((e) => e.type === 'ComplaintRepliedToOwner' || e.type === 'ComplaintHandled').map((e) => t(e.occurredAt));
  const specs: ClockSpec<ComplaintClock>[] = [
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
  const promise = events.filter(ofType('ComplaintResponsibilityAssigned')).at(-1);
  if (promise) {
    const from = t(promise.occurredAt);
    const by = t(promise.data.promisedReplyBy);
    const after = replies.filter((r) => r >= from);
    const promiseRules = rules(from);
    specs.push({ clock: 'complaint_promised_reply', start: from, deadline: by, warning: from + Math.round((by - from) * promiseRules.policy.warningFraction), met: after.length ? Math.min(...after) : null, pausable: false, version: promiseRules.version });
  }
  const lastHandled = events.filter(ofType('ComplaintHandled')).at(-1);
  if (lastHandled) {
    const from = t(lastHandled.occurredAt);
    const visit = events.find((e) => e.type === 'ComplaintFollowUpVisited' && t(e.occurredAt) >= from);
    specs.push(wallClock('follow_up_visit', from, (p) => p.followUpVisitMs, rules, visit ? t(visit.occurredAt) : null));
  }
  return { specs, pauses: [] };
}
