import { type CaseFacts, type EnvelopeOf, exhaustive } from '@service-ledger/core';
import type { CourtesyVisitEvent } from '../events';

/** Stored events of a courtesy visit, one envelope type per event. */
export type CourtesyVisitEnvelope = EnvelopeOf<CourtesyVisitEvent>;

/** The columns of a case row that a courtesy visit decides. */
export interface CourtesyVisitCaseRow {
  case_id: string;
  status: string;
  building: string;
  owner_ref: string;
  first_responder_id: string;
  handler_id: string;
  department: string;
  closed_at: string | null;
  follow_up_count: number;
  last_satisfied: number | null;
}

/** A courtesy visit is its own case: visited (and closed) when recorded, with one visit judged against the visitor. */
export function foldCourtesyVisit(events: CourtesyVisitEnvelope[], row: CourtesyVisitCaseRow): CaseFacts {
  const facts: CaseFacts = { followUpVisits: [], workers: new Set() };
  for (const e of events) {
    switch (e.type) {
      case 'CourtesyVisitRecorded': {
        const d = e.data;
        Object.assign(row, { status: 'visited', closed_at: e.occurredAt, building: d.location?.building ?? '', owner_ref: d.ownerRef, first_responder_id: d.visitorStaffId, handler_id: d.visitorStaffId, department: 'customer_service' });
        // The visit's id is the case's: one visit per courtesy-visit case.
        facts.followUpVisits.push({ visitId: row.case_id, at: e.occurredAt, method: d.method, satisfied: d.satisfied, remarks: d.remarks ?? '', visitorId: d.visitorStaffId, responsibleId: d.visitorStaffId });
        row.follow_up_count += 1;
        row.last_satisfied = d.satisfied ? 1 : 0;
        break;
      }
      default:
        exhaustive(e.type);
    }
    if (row.handler_id) facts.workers.add(row.handler_id);
  }
  return facts;
}
