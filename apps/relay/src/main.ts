import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startRelayProcess } from '@service-ledger/runtime';

/** Distributed shape: event store → Kafka; keeps retrying while the broker is down. GET /health and /metrics on SL_OPS_PORT (default 9464). */
async function main() {
  const running = await startRelayProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`relay: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
