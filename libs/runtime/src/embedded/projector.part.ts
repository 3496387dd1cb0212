import { ANALYTICS, type Analytics, migrate, Projector, restartIfEmpty, StoreEventSource } from '@service-ledger/analytics';
import { AnalyticsApiModule, DashboardsModule, Freshness } from '@service-ledger/api';
import { analyticsCheck } from '../ops/checks';
import { GlobalLogWatch } from '../ops/global-log-watch';
import { observedProjector } from '../ops/observed-projector';
import { analyticsDir, openAnalytics } from '../open';
import type { EmbeddedPart } from './part';

/** The analytics client opened by the projector part, shared with the parts started after it. */
export let embeddedAnalytics: Analytics | null = null;

/** Embedded shape: the projector follows the store in-process, so a command shows in KPIs within about a second. */
export const projectorPart: EmbeddedPart = {
  name: 'projector',
  async start({ config, store, log, ops }) {
    const db = openAnalytics(config).instrument(ops.metrics);
    await migrate(db);
    embeddedAnalytics = db;
    let subscription: { stop(): Promise<void> } | null = null;
    let watch: GlobalLogWatch | null = null;
    const freshness = new Freshness(store, db);
    ops.health.add(analyticsCheck(db, ops.metrics, 'degraded'), freshness.check());
    if (config.projector) {
      const projector = new Projector(db, { timeZone: config.timeZone });
      // A failing projector (read-only or full analytics folder…) keeps the API up but says so: logged, counted,
      // `projector` degraded in /health, and every KPI answer carries how far the projection got.
      const observed = observedProjector(projector, ops.metrics, ops.logger, 'degraded');
      ops.health.add(observed.check);
      watch = GlobalLogWatch.for(store, ops.metrics, ops.logger, {
        subscriptions: ['projector'],
        stallAlertSeconds: config.stallAlertSeconds,
        lag: (_id, lag) => {
          ops.metrics.projector.lagEvents.set(lag.positionsBehind);
          ops.metrics.projector.lagSeconds.set(lag.oldestPendingAgeSeconds);
        },
      });
      if (watch) ops.health.add(watch.start());
      if (await restartIfEmpty(store, db, 'projector')) log('  Projector: the analytics tables are empty (new, or recreated by an upgrade): rebuilding them from the whole event store');
      subscription = await new StoreEventSource(store, 'projector', 5000, 200).start(async (events) => {
        await observed.handle(events);
        const last = events[events.length - 1];
        // In the form analytics gives it (whole seconds), so an answer looks the same whichever way it was learnt.
        if (last) freshness.moved({ position: last.globalPosition.toString(), lastEventRecordedAt: last.recordedAt.replace(/\.\d+Z$/, 'Z') });
      });
      log(`  Projector: following the event store into ${config.analytics === 'chdb' ? `chDB at ${analyticsDir(config)}` : config.clickhouseUrl}`);
    }
    return {
      modules: [AnalyticsApiModule.register({ timeZone: config.timeZone }), DashboardsModule.register({ timeZone: config.timeZone, cacheEntries: config.panelCacheEntries })],
      providers: [{ provide: ANALYTICS, useValue: db }, { provide: Freshness, useValue: freshness }],
      async stop() {
        watch?.stop();
        await subscription?.stop();
        await db.close();
      },
    };
  },
};
