import { type CaseFacts, exhaustive } from '@service-ledger/core';
import type { ClockOwner, SlaClock } from '@service-ledger/sla';
import type { HelpRequestClock, HelpRequestEnvelope } from './clocks';

/** The columns of a case row that a help request's events decide (libs/analytics owns the whole row and its table). */
export interface HelpRequestCaseRow {
  status: string;
  building: string;
  channel: string;
  owner_ref: string;
  first_responder_id: string;
  handler_id: string;
  department: string;
  closed_at: string | null;
  help_kind: string;
  help_category: string;
  referred: number;
  answered_at: string | null;
}

/** Folds a help request's events into its row's columns; every event type is decided here. */
export function foldHelpRequest(events: HelpRequestEnvelope[], row: HelpRequestCaseRow): CaseFacts {
  const facts: CaseFacts = { followUpVisits: [], workers: new Set() };
  for (const e of events) {
    switch (e.type) {
      case 'HelpRequestReceived': {
        const d = e.data;
        Object.assign(row, { help_kind: d.kind, help_category: d.category, channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, building: d.location?.building ?? '', department: 'customer_service' });
        break;
      }
      case 'HelpRequestReferred':
        row.referred = 1;
        break;
      case 'HelpRequestAnswered':
        Object.assign(row, { status: 'answered', answered_at: e.occurredAt, closed_at: e.occurredAt, handler_id: e.data.answeredById });
        break;
      default:
        exhaustive(e);
    }
    if (row.handler_id) facts.workers.add(row.handler_id);
  }
  return facts;
}

/** Who answers for a help request's clock, in words (KPI.md); `helpRequestClockOwner` implements it. */
export const HELP_REQUEST_CLOCK_OWNERS: Record<HelpRequestClock, string> = {
  help_answer: 'staff who answered; the first responder until answered',
};

/** The help answer is charged to whoever answered; to the first responder until someone has. */
export function helpRequestClockOwner(c: SlaClock<HelpRequestClock>, row: HelpRequestCaseRow): ClockOwner {
  switch (c.clock) {
    case 'help_answer':
      return row.handler_id ? { staffId: row.handler_id, credit: 'handler' } : { staffId: row.first_responder_id, credit: 'first_responder' };
    default:
      return exhaustive(c.clock);
  }
}
