import { type Aggregate, exhaustive, typedAggregate } from '@service-ledger/core';
import type { ComplaintEvent, EscalationLevel } from './events';
import { ESCALATION_LEVELS } from './events';

/** The lifecycle's eight steps in order (docs/domain.md, Complaints). */
export const COMPLAINT_STEPS = ['received', 'classified', 'investigated', 'assigned', 'handled', 'visited', 'reviewed', 'archived'] as const;
export type ComplaintStep = (typeof COMPLAINT_STEPS)[number];

export interface ComplaintState {
  exists: boolean;
  step: ComplaintStep | null;
  receivedAt?: string;
  firstResponderId?: string;
  major: boolean;
  majorReported: boolean;
  majorAnalysed: boolean;
  escalation: EscalationLevel | null;
  reopenCount: number;
  promisedReplyBy?: string;
  replies: number;
}

export const stepIndex = (s: ComplaintStep | null): number => (s === null ? -1 : COMPLAINT_STEPS.indexOf(s));

export const complaintAggregate: Aggregate<ComplaintState> = typedAggregate<ComplaintState, ComplaintEvent>({
  initialState: () => ({ exists: false, step: null, major: false, majorReported: false, majorAnalysed: false, escalation: null, reopenCount: 0, replies: 0 }),
  evolve(state, e): ComplaintState {
    switch (e.type) {
      case 'ComplaintReceived':
        return { ...state, exists: true, step: 'received', receivedAt: e.occurredAt, firstResponderId: e.data.firstResponderId };
      case 'ComplaintClassified':
        return { ...state, step: stepIndex(state.step) < 1 ? 'classified' : state.step, major: e.data.major };
      case 'ComplaintInvestigated':
        return { ...state, step: 'investigated' };
      case 'ComplaintResponsibilityAssigned':
        return { ...state, step: 'assigned', promisedReplyBy: e.data.promisedReplyBy };
      case 'ComplaintRepliedToOwner':
        return { ...state, replies: state.replies + 1 };
      case 'ComplaintHandled':
        return { ...state, step: 'handled' };
      case 'ComplaintFollowUpVisited':
        return { ...state, step: 'visited' };
      case 'ComplaintReopened':
        // Back to work: handling and the follow-up visit must be done again.
        return { ...state, step: 'assigned', reopenCount: state.reopenCount + 1 };
      case 'ComplaintReviewed':
        return { ...state, step: 'reviewed' };
      case 'ComplaintArchived':
        return { ...state, step: 'archived' };
      case 'ComplaintEscalated':
        return { ...state, escalation: e.data.level };
      case 'MajorComplaintReported':
        return { ...state, majorReported: true };
      case 'MajorComplaintAnalysed':
        return { ...state, majorAnalysed: true };
      default:
        return exhaustive(e) ?? state;
    }
  },
});

export const escalationRank = (l: EscalationLevel | null): number => (l === null ? -1 : ESCALATION_LEVELS.indexOf(l));
