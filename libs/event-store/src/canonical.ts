import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@service-ledger/core';

/** JSON with object keys sorted at every depth, so the same event always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields an event's hash covers: everything but its global position (assigned at commit) and the hash itself. */
export function hashedFields(e: Omit<EventEnvelope, 'globalPosition'>): unknown {
  return {
    eventId: e.eventId,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actor: e.actor,
    projectId: e.projectId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    commandId: e.commandId ?? null,
  };
}

/** Per-stream hash chain link: sha256(prevHash || canonical(event)). */
export function chainHash(prevHash: string | null, e: Omit<EventEnvelope, 'globalPosition'>): string {
  return createHash('sha256')
    .update(prevHash ?? '')
    .update('\n')
    .update(canonicalJson(hashedFields(e)))
    .digest('hex');
}
