import { maskPhonesInText, stripPersonalData } from '@service-ledger/auth';
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

/**
 * What may leave the store on Kafka. Analytics need no personal data, and topics are kept for days on brokers the
 * store's access control does not cover: owners' names, phones and ID numbers are removed from contact fields
 * (`{ redacted: true }` stays), and phone numbers typed into free text are masked. Events without a contact or a
 * phone-like digit run pass through untouched, without a decode.
 */
const MAY_HOLD_PERSONAL_DATA = /"(complainant|reporter|requester|visitor)"|\d{7}/;

export function redactEnvelopeJson(json: string): string {
  if (!MAY_HOLD_PERSONAL_DATA.test(json)) return json;
  const envelope = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ ...envelope, data: stripPersonalData(envelope.data) });
}

/** A dead letter is whatever arrived: redacted like an event when it is JSON, phones masked when it is not. */
export function redactDeadLetter(value: Buffer | null): Buffer | null {
  if (value === null) return null;
  const text = value.toString('utf8');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      return Buffer.from(JSON.stringify('data' in record ? { ...record, data: stripPersonalData(record.data) } : stripPersonalData(record)));
    }
  } catch {
    // not JSON: fall through
  }
  return Buffer.from(maskPhonesInText(text));
}

/** A serialised event → Kafka message: the envelope's JSON text as the store gave it, personal data removed. */
export function toMessage(e: SerializedEvent): KafkaMessageShape {
  return {
    key: e.streamId,
    value: redactEnvelopeJson(e.json),
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
