import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startNotifierProcess } from '@service-ledger/runtime';

/** Distributed shape: pre-breach alerts (README "Alerts"). GET /health and /metrics on SL_OPS_PORT (default 9464). */
async function main() {
  const running = await startNotifierProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `notifier: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
