import type { EventEnvelope } from '@service-ledger/core';
import type { EventStore, Subscription } from '@service-ledger/event-store';
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
