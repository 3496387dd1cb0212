import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'infra', 'kafka', 'kafka.sh');
export const KAFKA_BROKERS = [`127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`];

function run(...args: string[]): void {
  execFileSync('bash', [SCRIPT, ...args], { stdio: 'pipe', timeout: 180_000 });
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
  run('start');
  run('wait', '120');
  return { brokers: KAFKA_BROKERS };
}

/** Stops the broker this checkout started (the restart test needs one it owns: a broker started elsewhere is left alone and the test says so). */
export const stopKafka = () => {
  run('stop');
  try {
    execFileSync('bash', ['-c', `(exec 3<>/dev/tcp/127.0.0.1/${process.env.KAFKA_PORT ?? '19092'}) 2>/dev/null`], { stdio: 'pipe' });
  } catch {
    return; // port closed: the broker is down
  }
  throw new Error('the Kafka broker on this port was started outside this checkout (infra/kafka/kafka.sh stop there first)');
};
export const startKafka = () => {
  run('start');
  run('wait', '120');
};
