import { z } from 'zod';
import { type Aggregate, type DecideContext, defineCommand, type DomainCommand, ensure, event, FRONT_DESK, type Role, schemas as field, typedAggregate } from '@service-ledger/core';
import { COURTESY_VISIT_STREAM, type CourtesyVisitEvent, HELP_CATEGORIES, HELP_REQUEST_KINDS, HELP_REQUEST_STREAM, type HelpRequestEvent, VISITOR_STREAM, type VisitorEvent } from './events';

export interface HelpRequestState {
  exists: boolean;
  receivedAt?: string;
  referred: boolean;
  answered: boolean;
}
export const helpRequestAggregate: Aggregate<HelpRequestState> = typedAggregate<HelpRequestState, HelpRequestEvent>({
  initialState: () => ({ exists: false, referred: false, answered: false }),
  evolve: (state, e) =>
    e.type === 'HelpRequestReceived'
      ? { ...state, exists: true, receivedAt: e.occurredAt }
      : e.type === 'HelpRequestReferred'
        ? { ...state, referred: true }
        : e.type === 'HelpRequestAnswered'
          ? { ...state, answered: true }
          : state,
});

export interface VisitorState {
  exists: boolean;
  checkedOut: boolean;
}
export const visitorAggregate: Aggregate<VisitorState> = typedAggregate<VisitorState, VisitorEvent>({
  initialState: () => ({ exists: false, checkedOut: false }),
  evolve: (state, e) => (e.type === 'VisitorCheckedIn' ? { ...state, exists: true } : e.type === 'VisitorCheckedOut' ? { ...state, checkedOut: true } : state),
});

export interface CourtesyVisitState {
  exists: boolean;
}
export const courtesyVisitAggregate: Aggregate<CourtesyVisitState> = typedAggregate<CourtesyVisitState, CourtesyVisitEvent>({
  initialState: () => ({ exists: false }),
  evolve: (state, e) => (e.type === 'CourtesyVisitRecorded' ? { exists: true } : state),
});

/** A visits command (help requests, courtesy visits, the visitor log); the front desk unless `roles` says otherwise. */
function define<S extends z.ZodType, St>(
  name: string,
  summary: string,
  aggregate: Aggregate<St>,
  streamId: (p: z.infer<S>) => string,
  schema: S,
  decide: (p: z.infer<S>, state: St, ctx: DecideContext) => ReturnType<DomainCommand['decide']>,
  opts: { creates?: boolean; roles?: readonly Role[] } = {},
): DomainCommand<z.infer<S>, St> {
  return defineCommand({ name, summary, capability: 'visits', schema, aggregate, streamId, roles: opts.roles ?? FRONT_DESK, creates: opts.creates, decide });
}

const help = (p: { requestId: string }) => `${HELP_REQUEST_STREAM}-${p.requestId}`;
const visitor = (p: { visitorId: string }) => `${VISITOR_STREAM}-${p.visitorId}`;

export const visitsCommands: DomainCommand[] = [
  define(
    'ReceiveHelpRequest',
    '来访/问询/求助 A–G: answer at once, or within 5 minutes after asking the supervisor.',
    helpRequestAggregate,
    help,
    z.strictObject({
      requestId: field.caseId,
      projectId: field.projectId,
      kind: field.oneOf(HELP_REQUEST_KINDS),
      category: field.oneOf(HELP_CATEGORIES),
      channel: field.channel,
      location: field.location.optional(),
      requester: field.personalContact,
      ownerRef: field.ownerRef,
      description: field.longText,
    }),
    (p, _state, ctx) => [
      event('HelpRequestReceived', {
        requestId: p.requestId,
        kind: p.kind,
        category: p.category,
        channel: p.channel,
        location: p.location,
        requester: p.requester,
        ownerRef: p.ownerRef,
        description: p.description,
        firstResponderId: ctx.actor.staffId,
      }),
    ],
    { creates: true, roles: [...FRONT_DESK, 'technician'] },
  ),
  define(
    'ReferHelpRequest',
    'Staff cannot answer at once: ask the supervisor or another department (never refuse without referring on).',
    helpRequestAggregate,
    help,
    z.strictObject({ requestId: field.caseId, referredToId: field.staffId, department: field.shortText.optional(), reason: field.longText }),
    (p, state) => {
      ensure(!state.answered, 'help.already_answered', 'the request is already answered');
      return [event('HelpRequestReferred', { referredToId: p.referredToId, department: p.department, reason: p.reason })];
    },
  ),
  define(
    'AnswerHelpRequest',
    'The answer given to the requester.',
    helpRequestAggregate,
    help,
    z.strictObject({ requestId: field.caseId, answer: field.longText }),
    (p, state, ctx) => {
      ensure(!state.answered, 'help.answered_once', 'the request is already answered');
      return [event('HelpRequestAnswered', { answer: p.answer, answeredById: ctx.actor.staffId })];
    },
  ),
  define(
    'RecordCourtesyVisit',
    'A regular or ad-hoc courtesy visit to an owner.',
    courtesyVisitAggregate,
    (p) => `${COURTESY_VISIT_STREAM}-${p.visitId}`,
    z.strictObject({
      visitId: field.caseId,
      projectId: field.projectId,
      kind: field.oneOf(['regular', 'ad_hoc'] as const),
      method: field.visitMethod,
      location: field.location,
      ownerRef: field.ownerRef,
      satisfied: z.boolean(),
      remarks: field.optionalText,
    }),
    (p, _state, ctx) => [
      event('CourtesyVisitRecorded', { visitId: p.visitId, kind: p.kind, method: p.method, location: p.location, ownerRef: p.ownerRef, satisfied: p.satisfied, remarks: p.remarks, visitorStaffId: ctx.actor.staffId }),
    ],
    { creates: true },
  ),
  define(
    'CheckInVisitor',
    '访客登记: check a visitor in after seeing their ID.',
    visitorAggregate,
    visitor,
    z.strictObject({
      visitorId: field.caseId,
      projectId: field.projectId,
      visitor: field.personalContact.extend({ idDocumentNo: z.string().trim().regex(/^[0-9A-Za-z]{6,20}$/, 'must be 6–20 letters or digits') }),
      hostLocation: field.location,
      purpose: field.shortText,
    }),
    (p, _state, ctx) => [event('VisitorCheckedIn', { visitorId: p.visitorId, visitor: p.visitor, hostLocation: p.hostLocation, purpose: p.purpose, checkedInById: ctx.actor.staffId })],
    { creates: true },
  ),
  define('CheckOutVisitor', 'Check a visitor out at the desk.', visitorAggregate, visitor, z.strictObject({ visitorId: field.caseId }), (_p, state, ctx) => {
    ensure(!state.checkedOut, 'visitor.checked_out_once', 'the visitor is already checked out');
    return [event('VisitorCheckedOut', { checkedOutById: ctx.actor.staffId })];
  }),
];
