import { type Admin, Kafka, logLevel } from 'kafkajs';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** Topics are `<prefix>.events` and `<prefix>.events.dlq`. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** Retention of the events topic; the event store is the source of truth, so it need not be infinite. */
  retentionMs: number;
}

export const topicsOf = (c: Pick<KafkaConfig, 'topicPrefix'>) => ({ events: `${c.topicPrefix}.events`, deadLetter: `${c.topicPrefix}.events.dlq` });

export function kafkaClient(c: KafkaConfig): Kafka {
  // kafkajs is unmaintained since 2023: it stays behind this library's classes.
  return new Kafka({ clientId: c.clientId, brokers: c.brokers, logLevel: logLevel.WARN, retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 } });
}

/** Creates the topics the system needs (idempotent), with the configured partitions and retention. */
export async function ensureTopics(admin: Admin, c: KafkaConfig): Promise<void> {
  const t = topicsOf(c);
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: t.events, numPartitions: c.partitions, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
    { topic: t.deadLetter, numPartitions: 1, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
  ].filter((x) => !existing.has(x.topic));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
}
