import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTopics, kafkaClient, type KafkaConfig, KafkaEventPublisher } from '@service-ledger/kafka';
import { markStartedByTests } from './kafka-teardown';

const KAFKA_DIR = join(__dirname, '..', '..', 'infra', 'kafka');
const SCRIPT = join(KAFKA_DIR, 'kafka.sh');
const DEFAULT_PORT = Number(process.env.KAFKA_PORT ?? '19092');

function portOpen(port: number): boolean {
  try {
    execFileSync('bash', ['-c', `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this checkout's own broker (pid file under infra/kafka) serves the port. */
function ours(port: number): boolean {
  const pidFile = join(KAFKA_DIR, port === 19092 ? 'run' : `run-${port}`, 'kafka.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tests need a broker they own (one test stops and restarts it). If another checkout's broker holds the default
 * port, this checkout runs its own on the next free pair of ports instead.
 */
let port = DEFAULT_PORT;
for (let candidate = DEFAULT_PORT; candidate < DEFAULT_PORT + 1000; candidate += 100) {
  if (!portOpen(candidate) || ours(candidate)) {
    port = candidate;
    break;
  }
}
export const KAFKA_BROKERS = [`127.0.0.1:${port}`];

function run(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], { stdio: 'pipe', timeout: 180_000, env: { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1) } }).toString();
}

function hasTools(): boolean {
  try {
    execFileSync('bash', ['-c', 'command -v java && command -v mvn'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the real Apache Kafka broker (infra/kafka/kafka.sh) once and reuses it across test files.
 * With CI=true a broker that cannot start fails the test; on a developer machine without Java/Maven it returns null loudly.
 */
export function ensureKafka(): { brokers: string[] } | null {
  if (!hasTools()) {
    if (process.env.CI === 'true') throw new Error('Kafka tests need Java 17 and Maven in CI');
    console.warn('\n*** SKIPPING Kafka tests: Java and Maven are needed to run the real broker (infra/kafka/kafka.sh) ***\n');
    return null;
  }
  // A broker this call starts (not one already running, say started by hand) is marked for the suite's teardown.
  if (/kafka starting/.test(run('start'))) markStartedByTests(port);
  run('wait', '120');
  return { brokers: KAFKA_BROKERS };
}

/** Stops this checkout's broker and checks the port is really closed (the restart test needs a broker it owns). */
export const stopKafka = () => {
  run('stop');
  if (portOpen(port)) throw new Error(`the Kafka broker on port ${port} was started outside this checkout`);
};
export const startKafka = () => {
  run('start');
  run('wait', '120');
};

/**
 * Topics under a new prefix on the test broker (so tests never see each other's messages), and a connected
 * publisher for them; the caller disconnects it.
 */
export async function freshTopics(brokers: string[], clientId: string, partitions = 4): Promise<{ config: KafkaConfig; publisher: KafkaEventPublisher }> {
  const config: KafkaConfig = { brokers, clientId, topicPrefix: `${clientId}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, partitions, replicationFactor: 1, retentionMs: 3600_000 };
  const admin = kafkaClient(config).admin();
  await admin.connect();
  try {
    await ensureTopics(admin, config);
  } finally {
    await admin.disconnect();
  }
  const publisher = new KafkaEventPublisher(config);
  await publisher.connect();
  return { config, publisher };
}
