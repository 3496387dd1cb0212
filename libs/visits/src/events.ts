import type { Channel, DomainEvent, Location, PersonalContact, VisitMethod } from '@service-ledger/core';

/** Stream categories owned by this capability. */
export const HELP_REQUEST_STREAM = 'help';
export const COURTESY_VISIT_STREAM = 'visit';
export const VISITOR_STREAM = 'visitor';

/**
 * Categories of reception visits, inquiries and help requests (来访, 问询, 求助):
 * A emergency medical, B repair, C complaint, D inquiry, E theft/fight/robbery/poisoning/traffic accident,
 * F flooding/fire/other disasters, G other everyday help.
 */
export type HelpCategory = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G';
export const HELP_CATEGORIES: readonly HelpCategory[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
export type HelpRequestKind = 'help_request' | 'inquiry' | 'reception_visit';
export const HELP_REQUEST_KINDS: readonly HelpRequestKind[] = ['help_request', 'inquiry', 'reception_visit'];

export type HelpRequestReceived = DomainEvent<
  'HelpRequestReceived',
  {
    requestId: string;
    kind: HelpRequestKind;
    category: HelpCategory;
    channel: Channel;
    location?: Location;
    /** Personal data: event store only. */
    requester: PersonalContact;
    ownerRef: string;
    description: string;
    firstResponderId: string;
  }
>;

/** Staff could not answer at once and asked the supervisor (the 5-minute reply clock keeps running). */
export type HelpRequestReferred = DomainEvent<
  'HelpRequestReferred',
  { referredToId: string; department?: string; reason: string }
>;

/** The answer given to the requester (at once, or within 5 minutes after a referral). */
export type HelpRequestAnswered = DomainEvent<'HelpRequestAnswered', { answer: string; answeredById: string }>;

export type HelpRequestEvent = HelpRequestReceived | HelpRequestReferred | HelpRequestAnswered;

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

/** 访客登记: checked in after showing ID, checked out at the desk. */
export type VisitorCheckedIn = DomainEvent<
  'VisitorCheckedIn',
  {
    visitorId: string;
    /** Personal data: event store only. */
    visitor: PersonalContact & { idDocumentNo: string };
    hostLocation: Location;
    purpose: string;
    checkedInById: string;
  }
>;

export type VisitorCheckedOut = DomainEvent<'VisitorCheckedOut', { checkedOutById: string }>;

export type VisitorEvent = VisitorCheckedIn | VisitorCheckedOut;

export type VisitsEvent = HelpRequestEvent | CourtesyVisitEvent | VisitorEvent;

export const VISITS_EVENT_TYPES: readonly VisitsEvent['type'][] = [
  'HelpRequestReceived',
  'HelpRequestReferred',
  'HelpRequestAnswered',
  'CourtesyVisitRecorded',
  'VisitorCheckedIn',
  'VisitorCheckedOut',
];
