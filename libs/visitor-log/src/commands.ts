import { z } from 'zod';
import { type Aggregate, defineCommand, type DomainCommand, ensure, event, FRONT_DESK, schemas as field, typedAggregate } from '@service-ledger/core';
import { VISITOR_STREAM, type VisitorEvent } from './events';

export interface VisitorState {
  exists: boolean;
  checkedOut: boolean;
}
export const visitorAggregate: Aggregate<VisitorState> = typedAggregate<VisitorState, VisitorEvent>({
  initialState: () => ({ exists: false, checkedOut: false }),
  evolve: (state, e) => (e.type === 'VisitorCheckedIn' ? { ...state, exists: true } : e.type === 'VisitorCheckedOut' ? { ...state, checkedOut: true } : state),
});

/** What every visitor log command shares: the visitor's stream `visitor-<visitorId>`, kept by the front desk. */
const visitorEntry = {
  capability: 'visitor-log',
  aggregate: visitorAggregate,
  streamId: (p: { visitorId: string }) => `${VISITOR_STREAM}-${p.visitorId}`,
  roles: FRONT_DESK,
} as const;

export const visitorLogCommands: DomainCommand[] = [
  defineCommand({
    ...visitorEntry,
    name: 'CheckInVisitor',
    summary: '访客登记: check a visitor in after seeing their ID.',
    schema: z.strictObject({
      visitorId: field.caseId,
      projectId: field.projectId,
      visitor: field.personalContact.extend({ idDocumentNo: z.string().trim().regex(/^[0-9A-Za-z]{6,20}$/, 'must be 6–20 letters or digits') }),
      hostLocation: field.location,
      purpose: field.shortText,
    }),
    creates: true,
    decide: (p, _state, ctx) => [event('VisitorCheckedIn', { visitorId: p.visitorId, visitor: p.visitor, hostLocation: p.hostLocation, purpose: p.purpose, checkedInById: ctx.actor.staffId })],
  }),
  defineCommand({
    ...visitorEntry,
    name: 'CheckOutVisitor',
    summary: 'Check a visitor out at the desk.',
    schema: z.strictObject({ visitorId: field.caseId }),
    decide: (_p, state, ctx) => {
      ensure(!state.checkedOut, 'visitor.checked_out_once', 'the visitor is already checked out');
      return [event('VisitorCheckedOut', { checkedOutById: ctx.actor.staffId })];
    },
  }),
];
