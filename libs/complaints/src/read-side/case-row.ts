import { type CaseFacts, exhaustive } from '@service-ledger/core';
import { type ClockOwner, FOLLOW_UP_VISIT_OWNER, followUpVisitOwner, type SlaClock } from '@service-ledger/sla';
import type { ComplaintClock, ComplaintEnvelope } from './clocks';

/** The columns of a case row that a complaint's events decide (libs/analytics owns the whole row and its table). */
export interface ComplaintCaseRow {
  case_id: string;
  status: string;
  building: string;
  channel: string;
  owner_ref: string;
  first_responder_id: string;
  handler_id: string;
  department: string;
  closed_at: string | null;
  nature: string;
  communicative_kind: string;
  content: string;
  topic: string;
  major: number;
  reasonable: number | null;
  cause: string;
  escalation: string;
  reopen_count: number;
  first_reply_at: string | null;
  handled_at: string | null;
  follow_up_count: number;
  last_satisfied: number | null;
}

export interface ComplaintFacts extends CaseFacts {
  /** 定责: the responsible handler named at assignment ('' until one is named). */
  assigned: string;
}

/** Folds a complaint's events into its row's columns; every event type is decided here (a new one fails to compile). */
export function foldComplaint(events: ComplaintEnvelope[], row: ComplaintCaseRow): ComplaintFacts {
  const facts: ComplaintFacts = { assigned: '', followUpVisits: [], workers: new Set() };
  for (const e of events) {
    switch (e.type) {
      case 'ComplaintReceived': {
        const d = e.data;
        Object.assign(row, { building: d.location?.building ?? '', channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, department: 'customer_service' });
        break;
      }
      case 'ComplaintClassified': {
        const d = e.data;
        Object.assign(row, { nature: d.nature, communicative_kind: d.communicativeKind ?? '', content: d.content, topic: d.topic, major: d.major ? 1 : 0, reasonable: d.reasonable ? 1 : 0 });
        break;
      }
      case 'ComplaintInvestigated':
        row.cause = e.data.cause;
        break;
      case 'ComplaintResponsibilityAssigned':
        facts.assigned = e.data.responsibleStaffId ?? '';
        row.department = e.data.department;
        if (e.data.responsibleStaffId) row.handler_id = e.data.responsibleStaffId;
        break;
      case 'ComplaintRepliedToOwner':
        row.first_reply_at ??= e.occurredAt;
        break;
      case 'ComplaintHandled':
        Object.assign(row, { status: 'handled', handled_at: e.occurredAt, handler_id: e.data.handledById, closed_at: e.occurredAt });
        row.first_reply_at ??= e.occurredAt;
        break;
      case 'ComplaintFollowUpVisited': {
        const d = e.data;
        facts.followUpVisits.push({ visitId: d.visitId, at: e.occurredAt, method: d.method, satisfied: d.satisfied, remarks: d.remarks ?? '', visitorId: d.visitorStaffId, responsibleId: row.handler_id });
        row.follow_up_count += 1;
        row.last_satisfied = d.satisfied ? 1 : 0;
        break;
      }
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
        row.escalation = e.data.level;
        break;
      // Reported to and analysed by the GM's office: on the case's record, not in its row.
      case 'MajorComplaintReported':
      case 'MajorComplaintAnalysed':
        break;
      default:
        exhaustive(e);
    }
    if (row.handler_id) facts.workers.add(row.handler_id);
  }
  return facts;
}

/** Who answers for each of a complaint's clocks, in words (KPI.md); `complaintClockOwner` implements them. */
export const COMPLAINT_CLOCK_OWNERS: Record<ComplaintClock, string> = {
  complaint_first_reply: 'first responder (首问负责: whoever received the complaint)',
  complaint_promised_reply: 'responsible handler named at 定责, else whoever handled it; the first responder until one is named',
  follow_up_visit: FOLLOW_UP_VISIT_OWNER,
};

/**
 * Who answers for a complaint's clocks (首问负责): the first reply → the first responder; the promised reply → the
 * handler named at 定责, else whoever handled it, the first responder until one is named; the follow-up visit → the
 * visitor who made it, the first responder until visited.
 */
export function complaintClockOwner(c: SlaClock<ComplaintClock>, row: ComplaintCaseRow, facts: ComplaintFacts): ClockOwner {
  const firstResponder: ClockOwner = { staffId: row.first_responder_id, credit: 'first_responder' };
  switch (c.clock) {
    case 'complaint_first_reply':
      return firstResponder;
    case 'complaint_promised_reply': {
      const handler = facts.assigned || row.handler_id;
      return handler ? { staffId: handler, credit: 'handler' } : firstResponder;
    }
    case 'follow_up_visit':
      return followUpVisitOwner(c, facts, row.first_responder_id);
    default:
      return exhaustive(c.clock);
  }
}
