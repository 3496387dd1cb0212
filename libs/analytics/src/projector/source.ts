import type { EventEnvelope } from '@service-ledger/core';
import { type EventStore, START, type Subscription } from '@service-ledger/event-store';
import type { Analytics } from '../client';
import type { Projector } from './projector';

/**
 * Where the projector's events come from: the store's own subscription (embedded) or Kafka (distributed).
 * The source calls the handler batch by batch and advances its checkpoint only after the handler resolved.
 */
export interface EventSource {
  start(handler: (events: EventEnvelope[]) => Promise<void>): Promise<{ caughtUp: Promise<void>; stop(): Promise<void> }>;
}

/** Embedded: a durable, checkpointed subscription to the store's global log. */
export class StoreEventSource implements EventSource {
  constructor(
    private readonly store: EventStore,
    private readonly subscriptionId = 'projector',
    private readonly batchSize = 5000,
    private readonly pollIntervalMs = 100,
  ) {}

  async start(handler: (events: EventEnvelope[]) => Promise<void>): Promise<Subscription> {
    return this.store.subscribe({ subscriptionId: this.subscriptionId, batchSize: this.batchSize, pollIntervalMs: this.pollIntervalMs }, (events) => handler(events));
  }
}

export async function runProjector(projector: Projector, source: EventSource) {
  return source.start((events) => projector.handle(events));
}

/**
 * A subscription whose analytics tables are empty starts again from the beginning of the log: a new or deleted chDB
 * folder, or a migration that recreated the tables with another design (schema.ts), is rebuilt by replaying the
 * whole store rather than left holding only what arrives from now on. Returns whether it restarted.
 */
export async function restartIfEmpty(store: EventStore, db: Analytics, subscriptionId = 'projector'): Promise<boolean> {
  // The raw events alone (not `projectionPosition`, which also reads what a later migration adds: this runs on
  // installations an upgrade has not finished migrating, in tests).
  const [{ n }] = await db.query<{ n: string }>('SELECT toString(count()) AS n FROM {{events}}');
  if (Number(n) > 0) return false;
  if ((await store.readCheckpoint(subscriptionId)) === START) return false;
  await store.storeCheckpoint(subscriptionId, START);
  return true;
}
