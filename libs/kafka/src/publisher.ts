import type { SerializedEvent } from '@service-ledger/event-store';
import { CompressionTypes, type Producer } from 'kafkajs';
import { toMessage } from './codec';
import { type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';

/**
 * Idempotent producer (one in-flight request, acks from all replicas): a retried send is not duplicated by the
 * broker, and key = stream id keeps each stream's events in order within its partition.
 */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private readonly topic: string;

  constructor(config: KafkaConfig) {
    this.producer = kafkaClient(config).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.topic = topicsOf(config).events;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Events as the relay reads them (serializeEnvelope turns an envelope into one). */
  async publish(events: SerializedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages: events.map(toMessage) });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
