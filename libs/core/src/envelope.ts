/**
 * The envelope every stored event travels in (docs/architecture.md, "Shapes of the data").
 * Instants are ISO-8601 strings in UTC so that envelopes survive JSON (store, Kafka, exports) unchanged.
 */
export type Role =
  | 'receptionist'
  | 'supervisor'
  | 'technician'
  | 'engineering_supervisor'
  | 'project_manager'
  | 'gm_office'
  | 'auditor'
  | 'hr'
  | 'admin'
  | 'system';

export const ROLES: readonly Role[] = [
  'receptionist',
  'supervisor',
  'technician',
  'engineering_supervisor',
  'project_manager',
  'gm_office',
  'auditor',
  'hr',
  'admin',
  'system',
];

export interface Actor {
  staffId: string;
  role: Role;
}

/** What a decider returns: a type, a schema version and a payload. The store adds the rest. */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  schemaVersion: number;
  data: D;
}

/** Metadata supplied by whoever appends (the command handler). */
export interface EventMetadata {
  /** Business time: when it happened (may be in the past for records typed in from paper). */
  occurredAt: string;
  actor: Actor;
  projectId: string;
  correlationId: string;
  causationId: string | null;
  /** The client's command id, kept for idempotency and audit. */
  commandId?: string;
}

/** An event ready to append: the store assigns eventId (if absent), version, position and recordedAt. */
export interface NewEvent<E extends DomainEvent = DomainEvent> {
  eventId?: string;
  type: E['type'];
  schemaVersion: number;
  data: E['data'];
  metadata: EventMetadata;
  /**
   * Asks the store for the next readable case number in this series (`<project>-<yyyymm>`, see case-number.ts).
   * Only honoured on the first event of a new stream; the store assigns it inside the append, so it never repeats.
   */
  caseNumberSeries?: string;
}

/** A stored event as read back from any adapter. */
export interface EventEnvelope<E extends DomainEvent<string, unknown> = DomainEvent> {
  /** UUIDv7. */
  eventId: string;
  streamId: string;
  /** 1-based version of this event within its stream. */
  streamVersion: number;
  /** Position in the global log, in commit order; opaque to callers beyond ordering. */
  globalPosition: bigint;
  type: E['type'];
  schemaVersion: number;
  data: E['data'];
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  projectId: string;
  correlationId: string;
  causationId: string | null;
  commandId?: string;
  /** Readable case number (`P01-202610-0042`) on the case-creating event, when the store assigned one. */
  caseNumber?: string;
}

/**
 * One envelope per member of an event union, so `switch (e.type)` narrows `e.data` to that event's payload
 * (`EventEnvelope<ComplaintEvent>` pairs any type with any payload). Read sides fold arrays of these.
 */
export type EnvelopeOf<E extends DomainEvent<string, unknown>> = E extends DomainEvent<string, unknown> ? EventEnvelope<E> : never;

/** A type guard for one member of an envelope union: `events.filter(ofType('RepairPaused'))` keeps its payload type. */
export const ofType =
  <T extends string>(type: T) =>
  <E extends { type: string }>(e: E): e is Extract<E, { type: T }> =>
    e.type === type;

/** Stream ids are `<category>-<id>`, e.g. `repair-01J…`; the category is the aggregate kind. */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
