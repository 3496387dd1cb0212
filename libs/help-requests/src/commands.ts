import { z } from 'zod';
import { type Aggregate, defineCommand, type DomainCommand, ensure, event, FRONT_DESK, schemas as field, typedAggregate } from '@service-ledger/core';
import { HELP_CATEGORIES, HELP_REQUEST_KINDS, HELP_REQUEST_STREAM, type HelpRequestEvent } from './events';

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

/** What every help request command shares: its stream `help-<requestId>`, answered by the front desk. */
const helpRequest = {
  capability: 'help-requests',
  aggregate: helpRequestAggregate,
  streamId: (p: { requestId: string }) => `${HELP_REQUEST_STREAM}-${p.requestId}`,
  roles: FRONT_DESK,
} as const;

export const helpRequestCommands: DomainCommand[] = [
  defineCommand({
    ...helpRequest,
    name: 'ReceiveHelpRequest',
    summary: '来访/问询/求助 A–G: answer at once, or within 5 minutes after asking the supervisor.',
    schema: z.strictObject({
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
    roles: [...FRONT_DESK, 'technician'],
    creates: true,
    decide: (p, _state, ctx) => [
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
  }),
  defineCommand({
    ...helpRequest,
    name: 'ReferHelpRequest',
    summary: 'Staff cannot answer at once: ask the supervisor or another department (never refuse without referring on).',
    schema: z.strictObject({ requestId: field.caseId, referredToId: field.staffId, department: field.shortText.optional(), reason: field.longText }),
    decide: (p, state) => {
      ensure(!state.answered, 'help.already_answered', 'the request is already answered');
      return [event('HelpRequestReferred', { referredToId: p.referredToId, department: p.department, reason: p.reason })];
    },
  }),
  defineCommand({
    ...helpRequest,
    name: 'AnswerHelpRequest',
    summary: 'The answer given to the requester.',
    schema: z.strictObject({ requestId: field.caseId, answer: field.longText }),
    decide: (p, state, ctx) => {
      ensure(!state.answered, 'help.answered_once', 'the request is already answered');
      return [event('HelpRequestAnswered', { answer: p.answer, answeredById: ctx.actor.staffId })];
    },
  }),
];
