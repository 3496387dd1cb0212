import { join, resolve } from 'node:path';
import { migrate } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { MonthlyExportScheduler } from '@service-ledger/exports';
import { openAnalytics } from '@service-ledger/runtime';

/** Distributed shape: the monthly KPI export on the 1st of each month. */
async function main() {
  const config = loadConfig();
  const db = openAnalytics(config);
  await migrate(db);
  const dir = config.exportDir ?? join(resolve(config.dataDir), 'exports');
  const scheduler = new MonthlyExportScheduler(db, { dir, at: config.exportCron, timeZone: config.timeZone, log: console.log });
  scheduler.start();
  // Keep the process alive: the scheduler's timers are unref'd so the embedded process can exit cleanly.
  const keepAlive = setInterval(() => undefined, 3600_000);
  console.log(`scheduler: monthly KPI export on the 1st at ${config.exportCron} (${config.timeZone}) into ${dir}`);
  const stop = () => {
    scheduler.stop();
    clearInterval(keepAlive);
    void db.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`scheduler: ${(e as Error).message}`);
  process.exit(1);
});
