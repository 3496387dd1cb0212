import type { EventEnvelope } from '@service-ledger/core';

/** Fields that hold personal data (PIPL); they never leave the event store. One list, used by every projection. */
export const PERSONAL_FIELDS = ['complainant', 'reporter', 'requester', 'visitor'] as const;

export function sanitizeData(data: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...data };
  for (const field of PERSONAL_FIELDS) delete copy[field];
  return copy;
}

export function sanitize(e: EventEnvelope): EventEnvelope {
  return { ...e, data: sanitizeData(e.data as Record<string, unknown>) };
}
