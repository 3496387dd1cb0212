import type { DomainEvent, Location, VisitMethod } from '@service-ledger/core';

/** Stream category of a courtesy visit: `visit-<visitId>`. */
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
