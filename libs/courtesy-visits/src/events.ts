import type { DomainEvent, Location, VisitMethod } from '@service-ledger/core';

/** A courtesy visit as a case of the read side: `cases.case_type`, the worklist's `type`. */
export const COURTESY_VISIT_CASE_TYPE = 'courtesy_visit';
/**
 * Stream category of a courtesy visit: `visit-<visitId>`. Stored stream ids never change, so the category keeps the
 * short name it was first written with, though "visit" alone also means a follow-up visit (回访), which is an event of
 * its complaint or repair; the read side maps it to `COURTESY_VISIT_CASE_TYPE` (`caseStreamId` in libs/analytics).
 */
export const COURTESY_VISIT_STREAM = 'visit';

/** Regular or ad-hoc courtesy visit to an owner (not tied to a case). */
export type CourtesyVisitRecorded = DomainEvent<
  'CourtesyVisitRecorded',
  {
    visitId: string;
    kind: 'regular' | 'ad_hoc';
    method: VisitMethod;
    location: Location;
    ownerRef: string;
    satisfied: boolean;
    remarks?: string;
    visitorStaffId: string;
  }
>;

export type CourtesyVisitEvent = CourtesyVisitRecorded;

export const COURTESY_VISIT_EVENT_TYPES: readonly CourtesyVisitEvent['type'][] = ['CourtesyVisitRecorded'];
