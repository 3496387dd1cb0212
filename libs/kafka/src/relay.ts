import type { EventStore, Subscription } from '@service-ledger/event-store';
import type { KafkaEventPublisher } from './publisher';

/**
 * Follows the store's global log from a durable checkpoint and publishes each batch; the checkpoint moves only
 * after the broker acknowledged the batch. A crash between send and checkpoint re-sends (at-least-once), never loses.
 */
export function startRelay(store: EventStore, publisher: KafkaEventPublisher, options: { subscriptionId?: string; batchSize?: number; pollIntervalMs?: number } = {}): Subscription {
  return store.subscribe(
    { subscriptionId: options.subscriptionId ?? 'relay', batchSize: options.batchSize ?? 1000, pollIntervalMs: options.pollIntervalMs ?? 100 },
    (events) => publisher.publish(events),
  );
}
