import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startSchedulerProcess } from '@service-ledger/runtime';

/** Distributed shape: the monthly KPI export on the 1st of each month. GET /health and /metrics on SL_OPS_PORT (default 9464). */
async function main() {
  const running = await startSchedulerProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`scheduler: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
