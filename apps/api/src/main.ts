import 'reflect-metadata';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { startApiProcess } from '@service-ledger/runtime';

/** Distributed shape: the API alone (the projector, relay and scheduler run as their own processes). */
async function main() {
  const running = await startApiProcess(loadConfig());
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `api: ${e.message}` : `api: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
