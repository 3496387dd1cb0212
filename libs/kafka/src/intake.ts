import type { Consumer, Producer } from 'kafkajs';
import { PoisonMessageError, redactDeadLetter } from './codec';
import { groupIdOf, type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';

/** What applying one command message gives back: published as is to `<prefix>.command-results`. */
export type IntakeResult = { outcome: string; commandId: string } & Record<string, unknown>;

export interface IntakeOptions {
  /** Applies one message; throws PoisonMessageError for a message that is not a command (dead-lettered), anything else to retry it. */
  apply(value: string, correlationId: string | undefined): Promise<IntakeResult>;
  onResult?(result: IntakeResult): void;
  onDeadLetter?(reason: string): void;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Commands from other systems over Kafka: one consumer group reads `<prefix>.commands` message by message (a case's
 * commands share a key, so a partition, so their order), applies each, and publishes the outcome to
 * `<prefix>.command-results` under the same key before the offset moves. A crash in between applies the message again:
 * the command id makes that a `duplicate` outcome, never a second change. Messages that are not commands go to
 * `<prefix>.commands.dlq` with the reason in `x-dlq-reason`.
 */
export class CommandIntakeConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly topics: ReturnType<typeof topicsOf>;
  readonly groupId: string;

  constructor(
    config: KafkaConfig,
    private readonly options: IntakeOptions,
  ) {
    const kafka = kafkaClient(config);
    this.groupId = groupIdOf(config, 'intake');
    const sessionTimeout = config.sessionTimeoutMs ?? 10_000;
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout, heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 5)), allowAutoTopicCreation: false });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.topics = topicsOf(config);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.commands, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const header = message.headers?.['x-correlation-id']?.toString();
        const correlationId = header && CORRELATION_ID.test(header) ? header : undefined;
        let result: IntakeResult;
        try {
          result = await this.options.apply(message.value?.toString() ?? '', correlationId);
        } catch (error) {
          if (!(error instanceof PoisonMessageError)) throw error; // kafkajs retries this message, then restarts the consumer
          await this.producer.send({
            topic: this.topics.commandsDeadLetter,
            acks: -1,
            messages: [{ key: message.key, value: redactDeadLetter(message.value), headers: { 'x-dlq-reason': error.reason, 'x-original-topic': topic, 'x-original-partition': String(partition), 'x-original-offset': message.offset } }],
          });
          this.options.onDeadLetter?.(error.reason);
          return;
        }
        await this.producer.send({
          topic: this.topics.commandResults,
          acks: -1,
          messages: [{ key: message.key, value: JSON.stringify(result), headers: { 'sl-outcome': result.outcome, 'sl-command-id': result.commandId } }],
        });
        this.options.onResult?.(result);
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
