import 'reflect-metadata';
import { migrate } from '@service-ledger/analytics';
import { ConfigError, loadConfig } from '@service-ledger/config';
import { notifierOf, openAnalytics, openStore } from '@service-ledger/runtime';

/** Distributed shape: the notifier watches the clocks in the analytics store and records alerts in the event store. */
async function main() {
  const config = loadConfig();
  if (config.alertRoutes.length === 0) throw new Error('SL_ALERT_ROUTES is empty: nowhere to send alerts (README: alerts)');
  const store = await openStore(config);
  const db = openAnalytics(config);
  await migrate(db);
  const running = notifierOf(config, db, store, console.log).start(config.alertPollSeconds * 1000);
  console.log(`notifier: watching the clocks every ${config.alertPollSeconds} s, ${config.alertRoutes.length} route(s)`);
  const stop = () => void running.stop().then(async () => {
    await db.close();
    await store.close();
    process.exit(0);
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `notifier: ${(e as Error).message}`);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
