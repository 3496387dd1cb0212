import { streamCategory } from '@service-ledger/core';
import type { SerializedEvent } from '@service-ledger/event-store';
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { toMessage } from './codec';
import { type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';

/**
 * Streams whose events change how every other stream is projected, so each projector instance must see them in
 * order with its own partitions' events: a policy change (calendar, SLA limits) re-times every clock started after
 * its effective instant, whichever partition the case hashes to. Keyed by stream id alone, a change would reach only
 * the instance that owns its partition, and the others would time new clocks by rules no longer in force.
 */
const BROADCAST_CATEGORIES = new Set(['policy']);

/** Whether an event is sent to every partition of the events topic (see BROADCAST_CATEGORIES). */
export const isBroadcast = (streamId: string) => BROADCAST_CATEGORIES.has(streamCategory(streamId));

/**
 * Idempotent producer (one in-flight request, acks from all replicas): a retried send is not duplicated by the
 * broker, and key = stream id keeps each stream's events in order within its partition. Policy events go to every
 * partition (each copy in order with that partition's other events); the projection is idempotent, so an instance
 * owning several partitions applies a change once and ignores the other copies.
 */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private readonly topic: string;

  constructor(private readonly config: KafkaConfig) {
    this.producer = kafkaClient(config).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.topic = topicsOf(config).events;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Events as the relay reads them (serializeEnvelope turns an envelope into one). */
  async publish(events: SerializedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Asked of the broker per batch that holds a policy event (rare), so partitions added to the topic get copies too.
    const partitions = events.some((e) => isBroadcast(e.streamId)) ? await this.partitionCount() : 0;
    const messages: Message[] = [];
    for (const e of events) {
      const message = toMessage(e);
      if (!isBroadcast(e.streamId)) messages.push(message);
      else for (let partition = 0; partition < partitions; partition++) messages.push({ ...message, partition });
    }
    await this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages });
  }

  /** Partitions of the events topic as the broker has them (the topic may have been created with another count). */
  private async partitionCount(): Promise<number> {
    const admin = kafkaClient(this.config).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${this.topic} has no partitions`);
      return count;
    } finally {
      await admin.disconnect();
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
