import type { Channel, DomainEvent, Location, PersonalContact } from '@service-ledger/core';

/** A help request as a case of the read side: `cases.case_type`, its clocks' case type, the worklist's `type`. */
export const HELP_REQUEST_CASE_TYPE = 'help_request';
/**
 * Stream category of a help request: `help-<requestId>`. Stored stream ids never change, so the category keeps the
 * short name it was first written with; everywhere else the concept is a help request (`HELP_REQUEST_CASE_TYPE`), and
 * the read side maps one to the other (`caseStreamId` in libs/analytics; the table in libs/application/EVENTS.md).
 */
export const HELP_REQUEST_STREAM = 'help';

/**
 * Categories of reception visits, inquiries and help requests (来访, 问询, 求助):
 * A emergency medical, B repair, C complaint, D inquiry, E theft/fight/robbery/poisoning/traffic accident,
 * F flooding/fire/other disasters, G other everyday help.
 */
export type HelpCategory = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G';
export const HELP_CATEGORIES: readonly HelpCategory[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
/**
 * What the requester came for: help proper (求助), an inquiry (问询) or a reception visit (来访). Every kind is a help
 * request as a case (case type `help_request`); the kind `help_request`, a stored and API value, is 求助 proper.
 */
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

export const HELP_REQUEST_EVENT_TYPES: readonly HelpRequestEvent['type'][] = ['HelpRequestReceived', 'HelpRequestReferred', 'HelpRequestAnswered'];
