import type { EventEnvelope } from '@service-ledger/core';
import { CompressionTypes, type Producer } from 'kafkajs';
import { encodeEnvelope } from './codec';
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

  async publish(events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.None, messages: events.map(encodeEnvelope) });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
