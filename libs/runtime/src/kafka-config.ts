import type { Config } from '@service-ledger/config';
import type { KafkaConfig } from '@service-ledger/kafka';

export function kafkaConfigOf(config: Config, clientId: string): KafkaConfig {
  if (!config.kafkaBrokers) throw new Error('SL_KAFKA_BROKERS is required in the distributed shape (e.g. 127.0.0.1:19092)');
  return { brokers: config.kafkaBrokers.split(',').map((b) => b.trim()), clientId, topicPrefix: config.kafkaTopicPrefix, partitions: config.kafkaPartitions, replicationFactor: config.kafkaReplicationFactor, retentionMs: config.kafkaRetentionHours * 3600_000, sessionTimeoutMs: config.kafkaSessionTimeoutMs };
}
