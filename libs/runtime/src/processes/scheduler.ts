import { join, resolve } from 'node:path';
import { type Analytics, migrate } from '@service-ledger/analytics';
import type { Config } from '@service-ledger/config';
import { MonthlyExportScheduler } from '@service-ledger/exports';
import { FailureTracker } from '@service-ledger/telemetry';
import { analyticsCheck } from '../ops/checks';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { openAnalytics } from '../open';

/** The scheduler process: the monthly KPI export on the 1st of each month; /health shows the last run's failure. */
export async function startSchedulerProcess(config: Config, options: { analytics?: Analytics } = {}): Promise<RunningProcess & { scheduler: MonthlyExportScheduler }> {
  const ops = await openProcessOps(config, 'scheduler');
  const { log, metrics, health } = ops;
  const db = (options.analytics?.withDatabase(options.analytics.database) ?? openAnalytics(config)).instrument(metrics);
  const dir = config.exportDir ?? join(resolve(config.dataDir), 'exports');
  const scheduler = new MonthlyExportScheduler(db, {
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
      if (!options.analytics) await db.close();
      await ops.server.stop();
    },
  };
}
