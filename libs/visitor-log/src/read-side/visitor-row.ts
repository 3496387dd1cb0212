import type { EnvelopeOf } from '@service-ledger/core';
import type { VisitorEvent } from '../events';

/** Stored events of a visitor's entry in the log, one envelope type per event. */
export type VisitorEnvelope = EnvelopeOf<VisitorEvent>;

/** 访客登记 row: who checked the visitor in and out, whom they came to see; the visitor's identity stays in the store. */
export function visitorRow(events: VisitorEnvelope[]) {
  const checkedIn = events.find((e) => e.type === 'VisitorCheckedIn');
  if (!checkedIn) return null;
  const d = checkedIn.data;
  const out = events.find((e) => e.type === 'VisitorCheckedOut');
  return {
    visitor_id: d.visitorId, project_id: checkedIn.projectId, building: d.hostLocation?.building ?? '', unit: d.hostLocation?.unit ?? '', purpose: d.purpose,
    checked_in_at: checkedIn.occurredAt, checked_out_at: out?.occurredAt ?? null, checked_in_by: d.checkedInById, checked_out_by: out?.data.checkedOutById ?? '',
    version: Number(events[events.length - 1].globalPosition),
  };
}
