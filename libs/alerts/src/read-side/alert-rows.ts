import { type EnvelopeOf, exhaustive } from '@service-ledger/core';
import type { AlertEvent } from '../events';

/** An alert's stored events, one envelope type per event (`switch (e.type)` narrows `e.data`). */
export type AlertEnvelope = EnvelopeOf<AlertEvent>;

/** Delivery of an alert to one route, as the dead-letter list and the notifier's recovery read it. */
export type AlertRouteRow = {
  alert_id: string;
  case_stream_id: string;
  case_number: string;
  project_id: string;
  clock: string;
  threshold: string;
  role: string;
  due_at: string;
  raised_at: string;
  version: number;
  route: string;
  route_kind: string;
  status: 'pending' | 'delivered' | 'dead' | 'unrouted';
  attempts: number;
  last_error: string;
  settled_at: string | null;
};

/**
 * One row per route of an alert (a single row with route '' when no route was configured): its delivery status
 * (pending, delivered, dead) is what the dead-letter list and the notifier's recovery read. Deterministic from the
 * alert's events, so a replay gives the same rows.
 */
export function alertRows(events: AlertEnvelope[]): AlertRouteRow[] {
  const raised = events.find((e) => e.type === 'AlertRaised');
  if (!raised) return [];
  const r = raised.data;
  const version = Number(events[events.length - 1].globalPosition);
  const base = {
    alert_id: r.alertId, case_stream_id: r.caseStreamId, case_number: r.caseNumber ?? '', project_id: raised.projectId, clock: r.clock,
    threshold: r.threshold, role: r.role, due_at: r.dueAt, raised_at: raised.occurredAt, version,
  };
  const routes = new Map<string, AlertRouteRow>(r.routes.map((x) => [x.name, { ...base, route: x.name, route_kind: x.kind, status: 'pending', attempts: 0, last_error: '', settled_at: null }]));
  if (routes.size === 0) return [{ ...base, route: '', route_kind: '', status: 'unrouted', attempts: 0, last_error: 'no webhook configured for this project and role', settled_at: raised.occurredAt }];
  for (const e of events) {
    switch (e.type) {
      case 'AlertDelivered': {
        const row = routes.get(e.data.route);
        if (row) Object.assign(row, { status: 'delivered', attempts: e.data.attempts, last_error: '', settled_at: e.occurredAt });
        break;
      }
      case 'AlertDeliveryFailed': {
        const row = routes.get(e.data.route);
        if (row) Object.assign(row, { status: 'dead', attempts: e.data.attempts, last_error: e.data.error, settled_at: e.occurredAt });
        break;
      }
      case 'AlertRetryRequested':
        for (const name of e.data.routes) if (routes.has(name)) Object.assign(routes.get(name)!, { status: 'pending', settled_at: null });
        break;
      case 'AlertRaised':
        break;
      default:
        exhaustive(e);
    }
  }
  return [...routes.values()];
}
