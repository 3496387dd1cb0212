import { z } from 'zod';
import { type DomainCommand, ensure, event, ROLES, type Role, schemas as field } from '@service-ledger/core';
import { alertAggregate, deadRoutes, type AlertState } from './alert';
import { ALERT_CHANNEL_KINDS, ALERT_STREAM, ALERT_THRESHOLDS } from './events';

const alertId = z.string().regex(/^[A-Za-z0-9_-]{1,58}$/, 'must be an alert id (letters, digits, - and _)');
const stream = (p: { alertId: string }) => `${ALERT_STREAM}-${p.alertId}`;
const route = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a route name (letters, digits, _ . -)');
const base = { capability: 'alerts' as const, aggregate: alertAggregate };

/** Recorded by the notifier (role system); the retry by an admin. Each one an event an auditor can read. */
export const alertCommands: DomainCommand<any, AlertState>[] = [
  {
    ...base,
    name: 'RaiseAlert',
    summary: 'The notifier records that a clock reached a threshold and whom it tells (once per clock and threshold).',
    schema: z.strictObject({
      alertId,
      projectId: field.projectId,
      caseStreamId: z.string().regex(/^[a-z]+-[A-Za-z0-9_-]{1,64}$/, 'must be a case stream id'),
      caseNumber: z.string().max(80).nullable(),
      clock: z.string().regex(/^[a-z_]{1,40}$/),
      threshold: field.oneOf(ALERT_THRESHOLDS),
      role: field.oneOf(ROLES as readonly Role[]),
      dueAt: field.instant,
      message: field.longText,
      routes: z.array(z.strictObject({ name: route, kind: field.oneOf(ALERT_CHANNEL_KINDS) })).max(20),
    }),
    streamId: stream,
    projectId: (p) => p.projectId,
    creates: true,
    roles: ['system', 'admin'],
    decide: (p) => [event('AlertRaised', { alertId: p.alertId, caseStreamId: p.caseStreamId, caseNumber: p.caseNumber, clock: p.clock, threshold: p.threshold, role: p.role, dueAt: p.dueAt, message: p.message, routes: p.routes })],
  },
  {
    ...base,
    name: 'RecordAlertDelivery',
    summary: 'The notifier records that a route received the alert, or that every try failed (dead letter).',
    schema: z.strictObject({ alertId, route, attempts: z.number().int().min(1).max(100), status: z.number().int().min(0).max(999).optional(), error: z.string().max(500).optional() }),
    streamId: stream,
    creates: false,
    roles: ['system', 'admin'],
    decide: (p, state) => {
      const current = state.routes[p.route];
      ensure(current, 'alert.unknown_route', `alert ${p.alertId} has no route '${p.route}'`);
      ensure(current.status === 'pending', 'alert.route_settled', `route '${p.route}' of alert ${p.alertId} is already ${current.status}`);
      return p.error === undefined
        ? [event('AlertDelivered', { alertId: p.alertId, route: p.route, attempts: p.attempts, status: p.status ?? 200 })]
        : [event('AlertDeliveryFailed', { alertId: p.alertId, route: p.route, attempts: p.attempts, error: p.error })];
    },
  },
  {
    ...base,
    name: 'RetryAlertDelivery',
    summary: 'An admin puts an alert’s dead-lettered routes back in the queue.',
    schema: z.strictObject({ alertId, reason: field.optionalText }),
    streamId: stream,
    creates: false,
    roles: ['admin'],
    decide: (p, state) => {
      const dead = deadRoutes(state);
      ensure(dead.length > 0, 'alert.nothing_to_retry', `alert ${p.alertId} has no dead-lettered delivery`);
      return [event('AlertRetryRequested', { alertId: p.alertId, routes: dead, ...(p.reason ? { reason: p.reason } : {}) })];
    },
  },
];
