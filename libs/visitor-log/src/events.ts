import type { DomainEvent, Location, PersonalContact } from '@service-ledger/core';

/** Stream category of a visitor's entry in the visitor log: `visitor-<visitorId>`. */
export const VISITOR_STREAM = 'visitor';

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

export const VISITOR_EVENT_TYPES: readonly VisitorEvent['type'][] = ['VisitorCheckedIn', 'VisitorCheckedOut'];
