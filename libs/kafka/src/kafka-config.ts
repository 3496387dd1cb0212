import { type Admin, Kafka, type LogEntry, logLevel } from 'kafkajs';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** Topics are `<prefix>.events` and `<prefix>.events.dlq`. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** Retention of the events topic; the event store is the source of truth, so it need not be infinite. */
  retentionMs: number;
  /** Consumer session timeout (ms): how long a crashed consumer keeps its partitions. Default 10 s. */
  sessionTimeoutMs?: number;
  /** Where kafkajs's own log lines go (default: stderr as JSON). */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

export const topicsOf = (c: Pick<KafkaConfig, 'topicPrefix'>) => ({
  events: `${c.topicPrefix}.events`,
  deadLetter: `${c.topicPrefix}.events.dlq`,
  /** Command intake from other systems, its outcomes, and the commands that could not be read. */
  commands: `${c.topicPrefix}.commands`,
  commandResults: `${c.topicPrefix}.command-results`,
  commandsDeadLetter: `${c.topicPrefix}.commands.dlq`,
});

/** Consumer groups carry the topic prefix, so two deployments sharing a cluster never share (or steal) offsets. */
export const groupIdOf = (c: Pick<KafkaConfig, 'topicPrefix'>, name: string) => `${c.topicPrefix}.${name}`;

/**
 * kafkajs lines that are expected and handled, and why they are not errors here:
 * - "Limiting retries for the idempotent producer may invalidate EoS guarantees": the relay and the intake give up a
 *   send after kafkajs's bounded retries and send the same batch again themselves (so /health can say the broker is
 *   down instead of hanging). A re-sent batch may reach the topic twice; consumers are idempotent (the projection by
 *   case and position, the intake by command id), and this system never relies on exactly-once delivery.
 * - leader/coordinator not available right after topics are created or a broker restarts: kafkajs retries them.
 */
const EXPECTED = [/Limiting retries for the idempotent producer/, /LEADER_NOT_AVAILABLE|leadership election|There is no leader/i, /coordinator is (not available|loading)|GROUP_COORDINATOR_NOT_AVAILABLE|NOT_COORDINATOR/i];

function logCreator(c: KafkaConfig) {
  const levels = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug', [logLevel.NOTHING]: 'debug' } as const;
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log as { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      const expected = EXPECTED.some((re) => re.test(message) || re.test(String(extra.error ?? '')));
      const at = expected ? 'info' : levels[level];
      const entry = { namespace, ...extra, ...(expected ? { expected: true } : {}) };
      if (c.log) c.log(at, `kafka: ${message}`, entry);
      else if (at === 'error' || at === 'warn') process.stderr.write(`${JSON.stringify({ level: at, msg: `kafka: ${message}`, ...entry })}\n`);
    };
}

export function kafkaClient(c: KafkaConfig): Kafka {
  // kafkajs is unmaintained since 2023: it stays behind this library's classes.
  return new Kafka({ clientId: c.clientId, brokers: c.brokers, logLevel: logLevel.WARN, logCreator: logCreator(c), retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 } });
}

/** Creates the topics the system needs (idempotent), with the configured partitions and retention. */
/** Creates the topics with a short-lived admin connection of its own (each process does this once at start). */
export async function ensureTopicsOnce(c: KafkaConfig): Promise<void> {
  const admin = kafkaClient(c).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, c);
  } finally {
    await admin.disconnect();
  }
}

export async function ensureTopics(admin: Admin, c: KafkaConfig): Promise<void> {
  const t = topicsOf(c);
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: t.events, numPartitions: c.partitions, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
    { topic: t.deadLetter, numPartitions: 1, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
    // Intake: keyed by case, so one case's commands stay in order; partitions as the events topic.
    { topic: t.commands, numPartitions: c.partitions, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
    { topic: t.commandResults, numPartitions: c.partitions, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
    { topic: t.commandsDeadLetter, numPartitions: 1, replicationFactor: c.replicationFactor, configEntries: [{ name: 'retention.ms', value: String(c.retentionMs) }] },
  ].filter((x) => !existing.has(x.topic));
  if (wanted.length) await admin.createTopics({ topics: wanted, waitForLeaders: true });
}
