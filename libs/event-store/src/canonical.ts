import { hash } from 'node:crypto';
import type { EventEnvelope } from '@service-ledger/core';

/** JSON with object keys sorted at every depth, so the same event always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  // Plain loops: this runs for every appended and every verified event.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, like the `<` comparison this replaced.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
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

/** hashedFields' keys in canonical (code-unit) order. */
const HASHED_KEYS = ['actor', 'causationId', 'commandId', 'correlationId', 'data', 'eventId', 'occurredAt', 'projectId', 'recordedAt', 'schemaVersion', 'streamId', 'streamVersion', 'type'] as const;

/**
 * canonicalJson(hashedFields(e)), the same bytes, without building and sorting the top-level object for every event:
 * its keys are fixed. `dataJson` is canonicalJson(e.data) when the caller already has it (the store reuses that text
 * as the stored jsonb, so data is serialised once per append).
 */
export function canonicalEvent(e: Omit<EventEnvelope, 'globalPosition'>, dataJson = canonicalJson(e.data)): string {
  let out = '{';
  for (const key of HASHED_KEYS) {
    const value = key === 'commandId' ? (e.commandId ?? null) : e[key];
    if (value === undefined) continue;
    out += `${out.length === 1 ? '' : ','}"${key}":${key === 'data' ? dataJson : canonicalJson(value)}`;
  }
  return `${out}}`;
}

/**
 * Per-stream hash chain link: sha256(prevHash || canonical(event)). One-shot `hash` over the joined text: the same
 * UTF-8 bytes as three updates of a Hash object, whose construction alone was 3 % of the API thread under write load.
 */
export function chainHash(prevHash: string | null, e: Omit<EventEnvelope, 'globalPosition'>, dataJson?: string): string {
  return hash('sha256', `${prevHash ?? ''}\n${canonicalEvent(e, dataJson)}`, 'hex');
}

/**
 * Global log link: sha256(previous log hash || seq || position || event hash || case number). The sealer gives every
 * event a dense sequence number in global order and chains them, so the log's head digest covers every event and its
 * place: a deleted, inserted, reordered or rewritten event anywhere changes every digest after it. The case number
 * (assigned after the event's hash, so no event hash covers it) is chained for entries that carry one: `''` for an
 * event without a number; `null` for entries sealed before numbers were sealed, which keep the rule without it.
 */
export function logHash(previous: string | null, seq: bigint | number | string, position: bigint | string, eventHash: string, caseNumber: string | null = null): string {
  const entry = `${previous ?? ''}\n${seq}\n${position}\n${eventHash}`;
  return hash('sha256', caseNumber === null ? entry : `${entry}\n${caseNumber}`, 'hex');
}

/** A signed checkpoint of the global log: the log's first `seq` entries, ending at `position`, digest `logHash`. */
export interface LogCheckpoint {
  seq: string;
  position: string;
  logHash: string;
  /** When the sealer signed it (ISO-8601 UTC). */
  sealedAt: string;
  /** Ed25519 signature (base64) over checkpointMessage, or null when the sealer has no key. */
  signature: string | null;
  /** sha256 of the signing public key (hex, first 16 chars), naming which key signed. */
  keyId: string | null;
}

/** The exact bytes a checkpoint's signature covers. */
export function checkpointMessage(c: Pick<LogCheckpoint, 'seq' | 'position' | 'logHash' | 'sealedAt'>): string {
  return `service-ledger log checkpoint v1\nseq ${c.seq}\nposition ${c.position}\nlog ${c.logHash}\nsealed ${c.sealedAt}\n`;
}
