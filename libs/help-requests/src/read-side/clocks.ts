import { type EnvelopeOf, ofType } from '@service-ledger/core';
import { type CaseClockSpecs, type ClockRules, wallClock } from '@service-ledger/sla';
import type { HelpRequestEvent } from '../events';

/** Stored events of a help request, one envelope type per event. */
export type HelpRequestEnvelope = EnvelopeOf<HelpRequestEvent>;
export type HelpRequestClock = 'help_answer';

/** A help request's one clock (libs/sla judges it): answered within the limit of its receipt, referral or not. */
export function helpRequestClocks(events: HelpRequestEnvelope[], rules: ClockRules): CaseClockSpecs<HelpRequestClock> {
  const received = events.find(ofType('HelpRequestReceived'));
  if (!received) return { specs: [], pauses: [] };
  const answered = events.find(ofType('HelpRequestAnswered'));
  return { specs: [wallClock('help_answer', Date.parse(received.occurredAt), (p) => p.helpAnswerMs, rules, answered ? Date.parse(answered.occurredAt) : null)], pauses: [] };
}
