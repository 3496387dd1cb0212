import { setImmediate as nextTurn } from 'node:timers/promises';
import { ANALYTICS, type Analytics, type ProjectorStats, restartIfEmpty } from '@service-ledger/analytics';
import { AnalyticsApiModule, DashboardsModule, Freshness } from '@service-ledger/api';
import type { EventEnvelope } from '@service-ledger/core';
import { type EventStore, PollingSubscription, START } from '@service-ledger/event-store';
import { analyticsCheck } from '../ops/checks';
import { GlobalLogWatch } from '../ops/global-log-watch';
import { observedProjector } from '../ops/observed-projector';
import { analyticsConfigOf, analyticsDir } from '../open';
import { AnalyticsThread } from './analytics-thread';
import type { EmbeddedPart } from './part';

/** The analytics client opened by the projector part, shared with the parts started after it. */
export let embeddedAnalytics: Analytics | null = null;
/** The thread behind it (its tests end it as a crash would). */
export let embeddedThread: AnalyticsThread | null = null;

/** Events per subscription batch: the thread folds them as one (a case touched several times is folded once). */
const BATCH = 5000;
/**
 * The store is read in steps of this many with a turn of the event loop between them: PGlite runs on the main thread,
 * and one read of a whole batch held every request behind it during catch-up.
 */
const READ_STEP = 1000;

/** The store's readAll, a batch read as several smaller reads (same events, same checkpoint). */
export function steppedReads(store: EventStore, step = READ_STEP): ConstructorParameters<typeof PollingSubscription>[0] {
  return {
    readCheckpoint: (id) => store.readCheckpoint(id),
    storeCheckpoint: (id, checkpoint) => store.storeCheckpoint(id, checkpoint),
    async readAll(options = {}) {
      const limit = options.limit ?? 1000;
      let after = options.after ?? START;
      const events: EventEnvelope[] = [];
      for (;;) {
        const want = Math.min(step, limit - events.length);
        const read = await store.readAll({ after, limit: want });
        for (const e of read.events) events.push(e);
        after = read.checkpoint;
        if (read.events.length < want || events.length >= limit) return { events, checkpoint: after };
        await nextTurn();
      }
    },
  };
}

/**
 * Embedded shape: the projector follows the store in-process, so a command shows in KPIs within about a second. It
 * folds and writes in its own thread, which alone owns chDB and answers the API's reads (AnalyticsThread); the store
 * stays on the main thread, which reads each batch, hands it over and stores the checkpoint once the thread has
 * written it, as before: a crash loses nothing and the redelivered batch counts nothing twice.
 */
export const projectorPart: EmbeddedPart = {
  name: 'projector',
  async start({ config, store, log, ops }) {
    const thread = await AnalyticsThread.start({ analytics: analyticsConfigOf(config), timeZone: config.timeZone, aggregateRefreshMs: config.aggregateRefreshMs }, ops.metrics, log);
    const db = thread.analytics;
    embeddedAnalytics = db;
    embeddedThread = thread;
    let subscription: { stop(): Promise<void> } | null = null;
    let watch: GlobalLogWatch | null = null;
    const freshness = new Freshness(store, db);
    ops.health.add(analyticsCheck(db, ops.metrics, 'degraded'), freshness.check());
    if (config.projector) {
      // The thread's projector, as seen from here: what observedProjector reads after each batch.
      const stats: ProjectorStats = { batches: 0, events: 0, quarantined: 0, lastPosition: 0n };
      const projector = { stats, handle: async (events: EventEnvelope[]) => void Object.assign(stats, await thread.project(events)) };
      // A failing projector (read-only or full analytics folder…) keeps the API up but says so: logged, counted,
      // `projector` degraded in /health, and every KPI answer carries how far the projection got.
      const observed = observedProjector(projector, ops.metrics, ops.logger, 'degraded');
      ops.health.add(observed.check);
      // Until the process stops (start.ts), /health says why nothing is projected any more.
      void thread.failed.then((error) => observed.tracker.failed(error));
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
      subscription = new PollingSubscription(steppedReads(store), { subscriptionId: 'projector', batchSize: BATCH, pollIntervalMs: 200 }, async (events) => {
        await observed.handle(events);
        // Not the batch's last event: the position through which the aggregates are as current as the tables (they are
        // recomputed every SL_AGGREGATE_REFRESH_MS), so a panel answer is never kept under a position its aggregates
        // have not reached. A refresh that ends between batches is read by Freshness within its second.
        if (stats.refreshed) freshness.moved(stats.refreshed);
      });
      log(`  Projector: following the event store into ${config.analytics === 'chdb' ? `chDB at ${analyticsDir(config)}` : config.clickhouseUrl}`);
    }
    return {
      modules: [AnalyticsApiModule.register({ timeZone: config.timeZone }), DashboardsModule.register({ timeZone: config.timeZone, cacheEntries: config.panelCacheEntries })],
      providers: [{ provide: ANALYTICS, useValue: db }, { provide: Freshness, useValue: freshness }],
      async stop() {
        watch?.stop();
        await subscription?.stop();
        await thread.close();
      },
      failed: thread.failed,
      // The thread's answers that came in while this turn of the event loop handles other requests go out in it.
      onRequest: () => thread.collect(),
    };
  },
};
