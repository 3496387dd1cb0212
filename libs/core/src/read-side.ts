import type { VisitMethod } from './values';

/**
 * A follow-up visit (回访) as a case's read side records it (libs/complaints, libs/repairs): the satisfaction table's
 * row and the visitor's credit are made from it. A courtesy visit (libs/courtesy-visits) is recorded alike, as its own
 * case's one visit, so its satisfaction is on record too (the KPIs count only complaints' and repairs').
 */
export interface FollowUpVisit {
  visitId: string;
  at: string;
  method: VisitMethod;
  satisfied: boolean;
  remarks: string;
  visitorId: string;
  /** Who the visit judges: the handler of a complaint, the technician of a repair, the visitor of a courtesy visit. */
  responsibleId: string;
}

/** What a case's read side learns from its events besides the row's columns, for the staff scorecard. */
export interface CaseFacts {
  /** Follow-up visits in order. */
  followUpVisits: FollowUpVisit[];
  /** Everyone who was the case's handler (or technician) at some point. */
  workers: Set<string>;
}

/**
 * The default branch of a switch that must name every member of a union (`switch (e.type)` in a read side): a member
 * left out is a compile error, as `value` is then not `never`. At run time it returns, so an event of a type the union
 * does not know (the projector quarantines those first) is skipped rather than stopping the fold.
 */
export function exhaustive(value: never): never;
export function exhaustive(_value: unknown): undefined {
  return undefined;
}
