import { migrate } from '@service-ledger/analytics';
import type { Config } from '@service-ledger/config';
import { FailureTracker } from '@service-ledger/telemetry';
import { notifierOf } from '../embedded/notifier.part';
import { analyticsCheck, eventStoreCheck } from '../ops/checks';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { openAnalytics, openStore } from '../open';

/**
 * The notifier process (distributed shape): watches the clocks in ClickHouse, records alerts in the event store and
 * delivers them. /health is down without either store and says when the last look failed.
 */
export async function startNotifierProcess(config: Config): Promise<RunningProcess> {
  if (config.alertRoutes.length === 0) throw new Error('SL_ALERT_ROUTES is empty: nowhere to send alerts (README: alerts)');
  const ops = await openProcessOps(config, 'notifier');
  const { log, metrics, health } = ops;
  const store = await openStore(config);
  const db = openAnalytics(config).instrument(metrics);
  const notifier = notifierOf(config, db, store, (line) => log.info(line));
  health.add(eventStoreCheck(store, metrics), analyticsCheck(db, metrics, 'down'), {
    name: 'alerts',
    check: () => {
      const failed = notifier.lastFailure;
      return failed ? { status: 'degraded', message: `last look failed: ${failed.message}`, at: failed.at } : { status: 'up', routes: config.alertRoutes.length };
    },
  });
  let stopped = false;
  await untilConnected('notifier: analytics', () => migrate(db), new FailureTracker(), log, () => stopped);
  const running = notifier.start(config.alertPollSeconds * 1000);
  log.info(`notifier: watching the clocks every ${config.alertPollSeconds} s, ${config.alertRoutes.length} route(s)`);
  return {
    ops,
    async stop() {
      stopped = true;
      await running.stop();
      await db.close();
      await store.close();
      await ops.server.stop();
    },
  };
}
