import { stripPersonalData } from '@service-ledger/auth';
import type { EventEnvelope } from '@service-ledger/core';

/** Fields that hold personal data (PIPL); they never leave the event store. One list, used by every projection. */
export const PERSONAL_FIELDS = ['complainant', 'reporter', 'requester', 'visitor'] as const;

/**
 * Contacts dropped, and phone numbers typed into free text (remarks, content) masked as in the API's reads: the same
 * result whether the event came from the store or from Kafka (whose messages are already redacted the same way).
 */
export function sanitizeData(data: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...stripPersonalData(data) };
  for (const field of PERSONAL_FIELDS) delete copy[field];
  return copy;
}

export function sanitize(e: EventEnvelope): EventEnvelope {
  return { ...e, data: sanitizeData(e.data as Record<string, unknown>) };
}
