import type { EventEnvelope, ExpectedVersion, NewEvent } from '@service-ledger/core';
import type { SerializedBatch } from './serialized';

export interface AppendResult {
  /** Stream version after the append (version of the last appended event). */
  nextExpectedVersion: number;
  /** Envelopes as stored (with eventId, version and recordedAt; globalPosition where the adapter knows it at commit). */
  events: EventEnvelope[];
  /**
   * True when the events' commandId was already stored: nothing was appended, `events` are the ones that command
   * appended (possibly to another stream) and `nextExpectedVersion` is the version of the last of them.
   */
  duplicate?: boolean;
}

/**
 * A position in the global log. SQL adapters order by (transactionId, position) to avoid the bigserial
 * gap problem, so a checkpoint is that pair; KurrentDB uses (commit, prepare). Serialised as a string.
 */
export type GlobalCheckpoint = string;
export const START: GlobalCheckpoint = '0';

export interface ReadAllOptions {
  /** Exclusive: events strictly after this checkpoint. */
  after?: GlobalCheckpoint;
  /** Max events to return. */
  limit?: number;
}

export interface ReadAllBatch {
  events: EventEnvelope[];
  /** Checkpoint of the last event returned (or `after` when none), to pass back as `after`. */
  checkpoint: GlobalCheckpoint;
}

export interface SubscriptionHandler {
  /** Called with events in global commit order; the checkpoint is stored only after this resolves. */
  (events: EventEnvelope[], checkpoint: GlobalCheckpoint): Promise<void>;
}

export interface Subscription {
  /** Resolves once the subscription has caught up to the head at least once. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** Durable name: the checkpoint is stored under it and resumed from on restart. */
  subscriptionId: string;
  batchSize?: number;
  /** Poll interval when idle: followers poll the global log (no LISTEN/NOTIFY), so this bounds their latency. */
  pollIntervalMs?: number;
}

/** The EventStore port (docs/architecture.md, ports and adapters). Every adapter passes the same contract suite. */
export interface EventStore {
  readonly kind: 'pglite' | 'postgres' | 'kurrentdb';
  /** Create schema / verify connection. Idempotent. */
  init(): Promise<void>;
  /**
   * Appends one command's events (they share `metadata.commandId`, when set). A command id that is already stored
   * appends nothing and answers `duplicate: true`, checked before the expected version (a retry sees the stream moved).
   */
  append(streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** All events of a stream in version order (upcast to current schema). Empty array if the stream does not exist. */
  readStream(streamId: string, options?: { fromVersion?: number; toVersion?: number }): Promise<EventEnvelope[]>;
  /** Events appended by a given client command id (idempotency: a retried command appends nothing). */
  findByCommandId(commandId: string): Promise<EventEnvelope[]>;
  /** The global log after a checkpoint, in commit order, never skipping a later-committing smaller position. */
  readAll(options?: ReadAllOptions): Promise<ReadAllBatch>;
  /**
   * Optional: the same batch as readAll, each event as ready JSON text (see serializeEnvelope). Adapters that can
   * build the text where the data lives offer it for relays; callers fall back to readAll + serializeEnvelope.
   */
  readAllSerialized?(options?: ReadAllOptions): Promise<SerializedBatch>;
  /** Optional: the stream of the case with this readable number (SQL stores; null when none). */
  findStreamByCaseNumber?(caseNumber: string): Promise<string | null>;
  /** Durable, checkpointed catch-up + live subscription to the global log. */
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** Stored checkpoint for a subscription (START when none). */
  readCheckpoint(subscriptionId: string): Promise<GlobalCheckpoint>;
  storeCheckpoint(subscriptionId: string, checkpoint: GlobalCheckpoint): Promise<void>;
  /** Reachability for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
