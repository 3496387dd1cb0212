import type { EventEnvelope } from '@service-ledger/core';

type D = Record<string, any>;

/**
 * One row per route of an alert (a single row with route '' when no route was configured): its delivery status
 * (pending, delivered, dead) is what the dead-letter list and the notifier's recovery read. Deterministic from the
 * alert's events, so a replay gives the same rows.
 */
export function projectAlert(events: EventEnvelope[]): D[] {
  const raised = events.find((e) => e.type === 'AlertRaised');
  if (!raised) return [];
  const r = raised.data as D;
  const version = Number(events[events.length - 1].globalPosition);
  const base = {
    alert_id: r.alertId, case_stream_id: r.caseStreamId, case_number: r.caseNumber ?? '', project_id: raised.projectId, clock: r.clock,
    threshold: r.threshold, role: r.role, due_at: r.dueAt, raised_at: raised.occurredAt, version,
  };
  const routes = new Map<string, D>((r.routes as { name: string; kind: string }[]).map((x) => [x.name, { ...base, route: x.name, route_kind: x.kind, status: 'pending', attempts: 0, last_error: '', settled_at: null }]));
  if (routes.size === 0) return [{ ...base, route: '', route_kind: '', status: 'unrouted', attempts: 0, last_error: 'no webhook configured for this project and role', settled_at: raised.occurredAt }];
  for (const e of events) {
    const d = e.data as D;
    const row = routes.get(d.route);
    if (e.type === 'AlertDelivered' && row) Object.assign(row, { status: 'delivered', attempts: d.attempts, last_error: '', settled_at: e.occurredAt });
    if (e.type === 'AlertDeliveryFailed' && row) Object.assign(row, { status: 'dead', attempts: d.attempts, last_error: d.error, settled_at: e.occurredAt });
    if (e.type === 'AlertRetryRequested') for (const name of d.routes as string[]) if (routes.has(name)) Object.assign(routes.get(name)!, { status: 'pending', settled_at: null });
  }
  return [...routes.values()];
}

/** 访客登记 row: who checked the visitor in and out, whom they came to see; the visitor's identity stays in the store. */
export function projectVisitor(events: EventEnvelope[]): D | null {
  const inEvent = events.find((e) => e.type === 'VisitorCheckedIn');
  if (!inEvent) return null;
  const d = inEvent.data as D;
  const out = events.find((e) => e.type === 'VisitorCheckedOut');
  return {
    visitor_id: d.visitorId, project_id: inEvent.projectId, building: d.hostLocation?.building ?? '', unit: d.hostLocation?.unit ?? '', purpose: d.purpose,
    checked_in_at: inEvent.occurredAt, checked_out_at: out?.occurredAt ?? null, checked_in_by: d.checkedInById, checked_out_by: (out?.data as D | undefined)?.checkedOutById ?? '',
    version: Number(events[events.length - 1].globalPosition),
  };
}
