import { join, resolve } from 'node:path';
import { type Analytics, type ClickHouseAnalytics, migrate } from '@service-ledger/analytics';
import type { Config } from '@service-ledger/config';
import { latestCheckpointAnchor, Sealer, sealerOptionsFrom } from '@service-ledger/audit';
import { SqlEventStore } from '@service-ledger/event-store';
import { MonthlyExportScheduler } from '@service-ledger/exports';
import { FailureTracker } from '@service-ledger/telemetry';
import { analyticsCheck } from '../ops/checks';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { openAnalytics, openStore } from '../open';

/** The scheduler process: the monthly KPI export on the 1st of each month and the sealer; /health shows the last export's failure. */
export async function startSchedulerProcess(config: Config, options: { analytics?: ClickHouseAnalytics } = {}): Promise<RunningProcess & { scheduler: MonthlyExportScheduler }> {
  const ops = await openProcessOps(config, 'scheduler');
  const { log, metrics, health } = ops;
  const db = (options.analytics?.withDatabase(options.analytics.database) ?? openAnalytics(config)).instrument(metrics);
  const dir = config.exportDir ?? join(resolve(config.dataDir), 'exports');
  // The sealer of the global log runs here in the distributed shape (SL_SEALER), beside the export that prints its
  // latest signed checkpoint.
  const store = config.sealer && config.store !== 'kurrentdb' ? await openStore(config) : null;
  const sealer = store instanceof SqlEventStore ? new Sealer(store, { ...sealerOptionsFrom(config), log: (line) => log.info(line) }) : null;
  const scheduler = new MonthlyExportScheduler(db, {
    anchor: store instanceof SqlEventStore ? () => latestCheckpointAnchor(store) : undefined,
    dir,
    at: config.exportCron,
    timeZone: config.timeZone,
    log: (line) => log.info(line),
    observe: (outcome, seconds) => metrics.exports.duration.observe({ outcome }, seconds),
  });
  health.add(analyticsCheck(db, metrics, 'down'), {
    name: 'monthlyExport',
    // A failed export is worth an alarm, not a restart: the scheduler itself still runs.
    check: () => (scheduler.lastError ? { status: 'degraded', message: `export of ${scheduler.lastError.month} failed: ${scheduler.lastError.message}`, at: scheduler.lastError.at } : { status: 'up', lastRun: scheduler.lastRun?.month ?? null }),
  });
  let stopped = false;
  await untilConnected('scheduler: analytics', () => migrate(db), new FailureTracker(), log, () => stopped);
  scheduler.start();
  sealer?.start(1000);
  // The scheduler's timers are unref'd (so the embedded process can exit): this one keeps the process alive.
  const keepAlive = setInterval(() => undefined, 3600_000);
  log.info(`scheduler: monthly KPI export on the 1st at ${config.exportCron} (${config.timeZone}) into ${dir}`);
  return {
    ops,
    scheduler,
    async stop() {
      stopped = true;
      scheduler.stop();
      clearInterval(keepAlive);
      await sealer?.stop();
      await store?.close();
      if (!options.analytics) await db.close();
      await ops.server.stop();
    },
  };
}
