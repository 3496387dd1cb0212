import { stripPersonalData } from '@service-ledger/auth';
import type { EventEnvelope } from '@service-ledger/core';

/** Fields that hold personal data (PIPL); they never leave the event store. One list, used by every projection. */
export const PERSONAL_FIELDS = ['complainant', 'reporter', 'requester', 'visitor'] as const;

/**
 * Contacts dropped, and phone numbers typed into free text (remarks, content) masked as in the API's reads: the same
 * result whether the event came from the store or from Kafka (whose messages are already redacted the same way).
 */
export function sanitizeData(data: Record<string, unknown>): Record<string, unknown> {
  // Field by field as stripPersonalData does, leaving the personal fields out rather than building and deleting them:
  // one copy per event instead of two, and no deleted keys (they turn an object into a slow dictionary).
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!PERSONAL_FIELD_SET.has(k)) copy[k] = stripPersonalData(v, k);
  return copy;
}
const PERSONAL_FIELD_SET = new Set<string>(PERSONAL_FIELDS);

export function sanitize(e: EventEnvelope): EventEnvelope {
  return { ...e, data: sanitizeData(e.data as Record<string, unknown>) };
}
