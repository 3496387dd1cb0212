import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startProjectorProcess } from '@service-ledger/runtime';

/** Distributed shape: Kafka consumer group (or the store) → ClickHouse. GET /health and /metrics on SL_OPS_PORT (default 9464). */
async function main() {
  const running = await startProjectorProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`projector: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
