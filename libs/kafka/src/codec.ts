import type { EventEnvelope } from '@service-ledger/core';
import { type SerializedEvent, serializeEnvelope } from '@service-ledger/event-store';

/** A message that cannot become an event (bad JSON, missing fields, unknown schema version): goes to the dead-letter topic. */
export class PoisonMessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface KafkaMessageShape {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Envelope → Kafka message: key = stream id (per-stream order), headers for routing without parsing, JSON value. */
export function encodeEnvelope(e: EventEnvelope): KafkaMessageShape {
  return toMessage(serializeEnvelope(e));
}

/** A serialised event → Kafka message; the value is the envelope's JSON text as the store gave it. */
export function toMessage(e: SerializedEvent): KafkaMessageShape {
  return {
    key: e.streamId,
    value: e.json,
    headers: {
      'sl-type': e.type,
      'sl-schema-version': String(e.schemaVersion),
      'sl-event-id': e.eventId,
      'sl-stream-id': e.streamId,
      'sl-stream-version': String(e.streamVersion),
      'sl-project-id': e.projectId,
      'sl-occurred-at': e.occurredAt,
    },
  };
}

const REQUIRED: (keyof EventEnvelope)[] = ['eventId', 'streamId', 'streamVersion', 'type', 'schemaVersion', 'data', 'occurredAt', 'recordedAt', 'actor', 'projectId', 'correlationId'];

/** Kafka message → envelope, or PoisonMessageError with the reason. `knows(type, version)` says what the consumer understands. */
export function decodeEnvelope(value: Buffer | string | null, knows: (type: string, schemaVersion: number) => boolean): EventEnvelope {
  if (value === null || value.length === 0) throw new PoisonMessageError('empty message');
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(value.toString());
  } catch {
    throw new PoisonMessageError('value is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new PoisonMessageError('value is not an object');
  for (const field of REQUIRED) if (parsed[field] === undefined) throw new PoisonMessageError(`missing field ${field}`);
  if (typeof parsed.globalPosition !== 'string' || !/^\d+$/.test(parsed.globalPosition)) throw new PoisonMessageError('globalPosition must be a decimal string');
  const envelope = { ...parsed, globalPosition: BigInt(parsed.globalPosition as string) } as unknown as EventEnvelope;
  if (!knows(envelope.type, envelope.schemaVersion)) throw new PoisonMessageError(`unknown event ${envelope.type} v${envelope.schemaVersion}`);
  return envelope;
}
