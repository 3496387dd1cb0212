import { type AlertEnvelope, alertRows } from '@service-ledger/alerts';
import type { EventEnvelope } from '@service-ledger/core';
import { type VisitorEnvelope, visitorRow } from '@service-ledger/visitor-log';

/*
 * Streams folded whole besides cases. Their rows are made beside their events (libs/alerts, libs/visitor-log); here the
 * stream's category (`alert-…`, `visitor-…`) is what makes its events that capability's union.
 */

/** The alert's delivery rows, one per route (libs/alerts `alertRows`). */
export function projectAlert(events: EventEnvelope[]) {
  return alertRows(events as AlertEnvelope[]);
}

/** 访客登记 row (libs/visitor-log `visitorRow`); null until the visitor is checked in. */
export function projectVisitor(events: EventEnvelope[]) {
  return visitorRow(events as VisitorEnvelope[]);
}
