import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startIntakeProcess } from '@service-ledger/runtime';

/** Distributed shape: commands from front-desk systems over Kafka (<prefix>.commands → <prefix>.command-results). GET /health and /metrics on SL_OPS_PORT (default 9464). */
async function main() {
  const running = await startIntakeProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`intake: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
