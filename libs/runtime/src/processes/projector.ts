import { type Analytics, type ClickHouseAnalytics, KafkaEventSource, migrate, projectAll, Projector, restartIfEmpty, StoreEventSource } from '@service-ledger/analytics';
import type { Config } from '@service-ledger/config';
import { BrokerProbe, consumerGroupLag, ensureTopicsOnce, kafkaClient, topicsOf } from '@service-ledger/kafka';
import { FailureTracker, type Logger, type Metrics } from '@service-ledger/telemetry';
import { analyticsCheck, eventStoreCheck } from '../ops/checks';
import { GlobalLogWatch } from '../ops/global-log-watch';
import { observedProjector } from '../ops/observed-projector';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { kafkaConfigOf } from '../kafka-config';
import { openAnalytics, openStore } from '../open';

/**
 * The projector process: Kafka consumer group → ClickHouse, or straight from the store when SL_KAFKA_BROKERS is
 * unset. Started on an empty analytics database with a shared store configured, it first rebuilds from the store:
 * the topic keeps only 7 days, the store keeps everything.
 */
export async function startProjectorProcess(config: Config, options: { lagIntervalMs?: number; analytics?: ClickHouseAnalytics } = {}): Promise<RunningProcess & { db: Analytics }> {
  const ops = await openProcessOps(config, 'projector');
  const { log, metrics, health } = ops;
  const db = (options.analytics?.withDatabase(options.analytics.database) ?? openAnalytics(config)).instrument(metrics);
  let stopped = false;
  const stops: (() => Promise<void>)[] = [];
  health.add(analyticsCheck(db, metrics, 'down'));
  // The projector reads the policy changes from the log itself: a change applies without a restart.
  const projector = new Projector(db, { timeZone: config.timeZone });
  const observed = observedProjector(projector, metrics, log, 'down');
  health.add(observed.check);
  const migrated = await untilConnected(`projector: analytics ${db.kind}`, () => migrate(db), new FailureTracker(), log, () => stopped);

  if (config.kafkaBrokers) {
    const kafka = { ...kafkaConfigOf(config, 'service-ledger-projector'), log: (level: 'error' | 'warn' | 'info' | 'debug', msg: string, extra: Record<string, unknown>) => log[level](extra, msg) };
    const broker = new FailureTracker('connecting to the Kafka brokers');
    health.add({ name: 'kafka', check: () => broker.result('down', { brokers: kafka.brokers }) });
    if (migrated !== null) await rebuildIfEmpty(config, db, projector, log, metrics);
    const source = new KafkaEventSource(kafka, 'projector', { onDeadLetter: (n) => metrics.kafka.deadLettered.inc({ source: 'events' }, n) });
    await untilConnected(
      `projector: Kafka ${kafka.brokers.join(',')}`,
      async () => {
        await ensureTopicsOnce(kafka);
        const running = await source.start(observed.handle);
        stops.push(running.stop);
      },
      broker,
      log,
      () => stopped,
    );
    // Health asks the cluster with a one-shot probe; the group's lag comes from a regular admin client (its retries
    // ride out a broker restart), best effort: a failed lag query leaves the last figures.
    const brokerProbe = new BrokerProbe(kafka);
    let lagAdmin: ReturnType<ReturnType<typeof kafkaClient>['admin']> | null = null;
    const probe = async () => {
      try {
        await brokerProbe.check();
        broker.succeeded();
        metrics.dependencies.up.set({ dependency: 'kafka' }, 1);
      } catch (error) {
        metrics.dependencies.up.set({ dependency: 'kafka' }, 0);
        if (broker.failed(error).first) log.warn(`projector: Kafka unreachable: ${broker.lastError}`);
        return;
      }
      try {
        if (!lagAdmin) {
          const admin = kafkaClient(kafka).admin();
          await admin.connect();
          lagAdmin = admin;
        }
        const lag = await consumerGroupLag(lagAdmin, source.consumer.groupId, topicsOf(kafka).events);
        metrics.projector.lagEvents.set(lag);
        const last = observed.lastEventRecordedAt();
        metrics.projector.lagSeconds.set(lag > 0 && last ? Math.max(0, (Date.now() - Date.parse(last)) / 1000) : 0);
      } catch (error) {
        log.debug(`projector: lag query failed: ${(error as Error).message}`);
      }
    };
    let probing = false;
    const timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void probe().finally(() => (probing = false));
    }, options.lagIntervalMs ?? 2000).unref();
    stops.push(async () => {
      clearInterval(timer);
      await brokerProbe.close();
      await lagAdmin?.disconnect().catch(() => undefined);
    });
    log.info(`projector: Kafka ${config.kafkaBrokers} (group ${source.consumer.groupId}) → ${config.analytics} ${db.database}`);
  } else {
    const store = await openStore(config);
    health.add(eventStoreCheck(store, metrics));
    const watch = GlobalLogWatch.for(store, metrics, log, {
      subscriptions: ['projector'],
      stallAlertSeconds: config.stallAlertSeconds,
      lag: (_id, lag) => {
        metrics.projector.lagEvents.set(lag.positionsBehind);
        metrics.projector.lagSeconds.set(lag.oldestPendingAgeSeconds);
      },
    });
    if (watch) health.add(watch.start());
    if (await restartIfEmpty(store, db, 'projector')) log.info(`projector: analytics database ${db.database} is empty (new, or recreated by an upgrade): rebuilding from the ${config.store} event store`);
    const running = await new StoreEventSource(store, 'projector').start(observed.handle);
    stops.push(async () => {
      await running.stop();
      watch?.stop();
      await store.close();
    });
    log.info(`projector: ${config.store} → ${config.analytics} ${db.database}`);
  }
  return {
    ops,
    db,
    async stop() {
      stopped = true;
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      if (!options.analytics) await db.close();
      await ops.server.stop();
    },
  };
}

/**
 * An empty analytics database is rebuilt from the event store before consuming: the topic's retention (7 days) may
 * have dropped the beginning of history. Events the topic still holds arrive again afterwards; the projection is
 * idempotent. Without a shared store (SL_STORE=pglite is a local folder), only the topic can be read: said loudly.
 */
async function rebuildIfEmpty(config: Config, db: Analytics, projector: Projector, log: Logger, metrics: Metrics): Promise<void> {
  if ((await db.projectionPosition()).events > 0) return;
  if (config.store === 'pglite') {
    log.warn('projector: analytics is empty and no shared event store is configured (SL_STORE=postgres|kurrentdb): only what the Kafka topic still holds (7 days) can be projected; give the projector SL_STORE and its URL so it can rebuild from the store');
    return;
  }
  const store = await openStore(config);
  try {
    log.info(`projector: analytics database ${db.database} is empty: rebuilding from the ${config.store} event store before consuming Kafka`);
    const started = Date.now();
    const events = await projectAll(store, projector);
    metrics.projector.position.set(Number(projector.stats.lastPosition));
    log.info({ events, seconds: Math.round((Date.now() - started) / 1000) }, `projector: rebuilt ${events} events from the store`);
  } finally {
    await store.close();
  }
}
