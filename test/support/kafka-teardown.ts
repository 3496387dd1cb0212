import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The integration tests start this checkout's Kafka broker (infra/kafka/kafka.sh) on first use and share it across
 * test files; this Jest globalTeardown stops it after the suite. Only a broker the tests started is stopped: they
 * leave a marker in its run folder, so a broker started by hand before the tests keeps running.
 * No path aliases here: Jest loads a global teardown outside the test module mapper.
 */
const KAFKA_DIR = join(__dirname, '..', '..', 'infra', 'kafka');
const MARKER = 'started-by-tests';

/** kafka.sh keeps the default port's broker in run/ and any other port's in run-<port>/. */
const runDir = (port: number) => join(KAFKA_DIR, port === 19092 ? 'run' : `run-${port}`);

export function markStartedByTests(port: number): void {
  writeFileSync(join(runDir(port), MARKER), `${process.pid}\n`);
}

export default function stopBrokersStartedByTests(): void {
  if (!existsSync(KAFKA_DIR)) return;
  for (const dir of readdirSync(KAFKA_DIR)) {
    const match = /^run(?:-(\d+))?$/.exec(dir);
    if (!match || !existsSync(join(KAFKA_DIR, dir, MARKER))) continue;
    const port = match[1] ? Number(match[1]) : 19092;
    execFileSync('bash', [join(KAFKA_DIR, 'kafka.sh'), 'stop'], {
      stdio: 'pipe',
      timeout: 60_000,
      env: { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1) },
    });
    rmSync(join(KAFKA_DIR, dir, MARKER), { force: true });
  }
}
