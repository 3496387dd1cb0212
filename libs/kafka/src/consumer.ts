import type { EventEnvelope } from '@service-ledger/core';
import type { Consumer, Producer } from 'kafkajs';
import { decodeEnvelope, PoisonMessageError, redactDeadLetter } from './codec';
import { groupIdOf, type KafkaConfig, kafkaClient, topicsOf } from './kafka-config';

export interface ConsumerOptions {
  /** Group name; the topic prefix is put in front (`<prefix>.<groupId>`). */
  groupId: string;
  knows: (type: string, schemaVersion: number) => boolean;
  fromBeginning?: boolean;
  /** Called with the number of messages sent to the dead-letter topic. */
  onDeadLetter?: (count: number) => void;
}

/**
 * Consumer-group transport for the projector: each batch is handed to the handler, and offsets are committed only
 * after it resolved (manual commit after the ClickHouse write). Undecodable messages go to the dead-letter topic
 * with the reason, and the group moves on. Rebalances may redeliver a batch; the projection is idempotent.
 */
export class KafkaEventConsumer {
  private readonly consumer: Consumer;
  private readonly dlq: Producer;
  private readonly topics: ReturnType<typeof topicsOf>;
  private readonly heartbeatMs: number;
  readonly groupId: string;
  deadLettered = 0;

  constructor(
    config: KafkaConfig,
    private readonly options: ConsumerOptions,
  ) {
    const kafka = kafkaClient(config);
    this.groupId = groupIdOf(config, options.groupId);
    // A crashed projector's partitions wait `sessionTimeout` for it before the group hands them to another member
    // (kafkajs's 30 s default made every crash a 30 s pause). Shorter means faster failover but less tolerance for
    // a stalled event loop; heartbeats go out every fifth of it, also while a batch is being written (see below).
    const sessionTimeout = config.sessionTimeoutMs ?? 10_000;
    this.heartbeatMs = Math.max(500, Math.floor(sessionTimeout / 5));
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout, rebalanceTimeout: Math.max(sessionTimeout, 30_000), heartbeatInterval: this.heartbeatMs, allowAutoTopicCreation: false });
    this.dlq = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.topics = topicsOf(config);
  }

  async start(handler: (events: EventEnvelope[]) => Promise<void>): Promise<void> {
    await this.dlq.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topics.events, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const events: EventEnvelope[] = [];
        const poison: { offset: string; reason: string; value: Buffer | null; key: Buffer | null }[] = [];
        for (const m of batch.messages) {
          try {
            events.push(decodeEnvelope(m.value, this.options.knows));
          } catch (error) {
            if (!(error instanceof PoisonMessageError)) throw error;
            poison.push({ offset: m.offset, reason: error.reason, value: m.value, key: m.key });
          }
        }
        if (!isRunning() || isStale()) return;
        if (poison.length) {
          await this.dlq.send({
            topic: this.topics.deadLetter,
            messages: poison.map((p) => ({ key: p.key, value: redactDeadLetter(p.value), headers: { 'x-dlq-reason': p.reason, 'x-original-topic': batch.topic, 'x-original-partition': String(batch.partition), 'x-original-offset': p.offset } })),
          });
          this.deadLettered += poison.length;
          this.options.onDeadLetter?.(poison.length);
        }
        await heartbeat();
        // kafkajs heartbeats only when asked: keep the session alive while a long ClickHouse write runs.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatMs);
        try {
          await handler(events);
        } finally {
          clearInterval(beating);
        }
        // Only now: the write is done, the offsets may move.
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }] });
        await heartbeat();
      },
    });
  }

  /** The kafkajs consumer's instrumentation events (CRASH, GROUP_JOIN…) for health. */
  get events() {
    return this.consumer.events;
  }

  on: Consumer['on'] = (...args: Parameters<Consumer['on']>) => this.consumer.on(...args);

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.dlq.disconnect();
  }
}
