import type { EventEnvelope } from '@service-ledger/core';
import type { GlobalCheckpoint } from './event-store.port';

/**
 * One event as the JSON text of its envelope (globalPosition as a decimal string, as every transport carries it),
 * beside the few fields a transport routes by. For relays that pass events on without reading them: a SQL store
 * builds the text in the database, so the relay neither decodes nor re-encodes what it only forwards.
 */
export interface SerializedEvent {
  json: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  projectId: string;
  occurredAt: string;
}

export interface SerializedBatch {
  events: SerializedEvent[];
  /** As ReadAllBatch.checkpoint. */
  checkpoint: GlobalCheckpoint;
}

/** The reference encoding: what `readAllSerialized` must produce (up to JSON key order and spacing) for each event. */
export function serializeEnvelope(e: EventEnvelope): SerializedEvent {
  return {
    json: JSON.stringify({ ...e, globalPosition: e.globalPosition.toString() }),
    eventId: e.eventId,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.type,
    schemaVersion: e.schemaVersion,
    projectId: e.projectId,
    occurredAt: e.occurredAt,
  };
}
