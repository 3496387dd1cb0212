import type { EventEnvelope } from '@service-ledger/core';
import { KafkaEventConsumer, type KafkaConfig } from '@service-ledger/kafka';
import { KNOWN_EVENTS } from './projector';

/** Newest schema version any event type has; a higher one cannot be upcast here and is dead-lettered. */
const MAX_SCHEMA_VERSION = Math.max(...KNOWN_EVENTS.values());
import type { EventSource } from './source';

/** Distributed: the projector as a Kafka consumer group; offsets commit after the ClickHouse write. */
export class KafkaEventSource implements EventSource {
  readonly consumer: KafkaEventConsumer;
  constructor(config: KafkaConfig, groupId = 'projector', options: { onDeadLetter?: (count: number) => void } = {}) {
    // Unknown types are not poison here: the projector quarantines them in ClickHouse where they are counted.
    this.consumer = new KafkaEventConsumer(config, { groupId, knows: (_type, version) => Number.isInteger(version) && version >= 1 && version <= MAX_SCHEMA_VERSION, ...options });
  }
  async start(handler: (events: EventEnvelope[]) => Promise<void>) {
    await this.consumer.start(handler);
    return { caughtUp: Promise.resolve(), stop: () => this.consumer.stop() };
  }
}
