import { join, resolve } from 'node:path';
import { migrate } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { MonthlyExportScheduler } from '@service-ledger/exports';
import { latestCheckpointAnchor, Sealer, sealerOptionsFrom } from '@service-ledger/audit';
import { SqlEventStore } from '@service-ledger/event-store';
import { openAnalytics } from '../../cli/src/parts/projector.part';
import { openStore } from '../../cli/src/runtime';

/** Distributed shape: the monthly KPI export on the 1st of each month, and the sealer of the global log (SL_SEALER). */
async function main() {
  const config = loadConfig();
  const db = openAnalytics(config);
  await migrate(db);
  const dir = config.exportDir ?? join(resolve(config.dataDir), 'exports');
  const store = config.sealer && config.store !== 'kurrentdb' ? await openStore(config) : null;
  const sealer = store instanceof SqlEventStore ? new Sealer(store, { ...sealerOptionsFrom(config), log: console.log }) : null;
  sealer?.start(1000);
  const anchor = store instanceof SqlEventStore ? () => latestCheckpointAnchor(store) : undefined;
  const scheduler = new MonthlyExportScheduler(db, { dir, at: config.exportCron, timeZone: config.timeZone, log: console.log, anchor });
  scheduler.start();
  // Keep the process alive: the scheduler's timers are unref'd so the embedded process can exit cleanly.
  const keepAlive = setInterval(() => undefined, 3600_000);
  console.log(`scheduler: monthly KPI export on the 1st at ${config.exportCron} (${config.timeZone}) into ${dir}`);
  const stop = () => {
    scheduler.stop();
    clearInterval(keepAlive);
    void (async () => {
      await sealer?.stop();
      await store?.close();
      await db.close();
      process.exit(0);
    })();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`scheduler: ${(e as Error).message}`);
  process.exit(1);
});
