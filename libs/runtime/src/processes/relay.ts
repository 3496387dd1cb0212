import type { Config } from '@service-ledger/config';
import { BrokerProbe, ensureTopicsOnce, KafkaEventPublisher, startRelay, type Relay } from '@service-ledger/kafka';
import { DependencyUnavailableError } from '@service-ledger/core';
import { correlationIdsOf, errorMessage, FailureTracker, secondsSince } from '@service-ledger/telemetry';
import { eventStoreCheck } from '../ops/checks';
import { GlobalLogWatch } from '../ops/global-log-watch';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { kafkaConfigOf } from '../kafka-config';
import { openStore } from '../open';

/**
 * The relay process: event store → Kafka. Started while the broker is down it keeps retrying with backoff and
 * reports `kafka` down; once relaying, a failed batch is retried (never skipped) and shows as `relay` down.
 */
export async function startRelayProcess(config: Config, options: { pollIntervalMs?: number; watchIntervalMs?: number } = {}): Promise<RunningProcess> {
  const ops = await openProcessOps(config, 'relay');
  const { log, metrics, health } = ops;
  const kafka = { ...kafkaConfigOf(config, 'service-ledger-relay'), log: (level: 'error' | 'warn' | 'info' | 'debug', msg: string, extra: Record<string, unknown>) => log[level](extra, msg) };
  const store = await openStore(config);
  const broker = new FailureTracker('connecting to the Kafka brokers');
  const probe = new BrokerProbe(kafka);
  let relay: Relay | null = null;
  let stopped = false;
  health.add(eventStoreCheck(store, metrics), {
    name: 'kafka',
    // The probe answers within seconds; a failed relay round that is not the store's (that one shows as eventStore)
    // is the broker's too.
    async check() {
      const connecting = broker.result('down', { brokers: kafka.brokers });
      if (connecting.status !== 'up') return (metrics.dependencies.up.set({ dependency: 'kafka' }, 0), connecting);
      try {
        const brokers = await probe.check();
        if (relay?.lastError && !(relay.lastError instanceof DependencyUnavailableError)) throw relay.lastError;
        metrics.dependencies.up.set({ dependency: 'kafka' }, 1);
        return { status: 'up', brokers: kafka.brokers, clusterBrokers: brokers };
      } catch (error) {
        metrics.dependencies.up.set({ dependency: 'kafka' }, 0);
        return { status: 'down', message: errorMessage(error), brokers: kafka.brokers };
      }
    },
  });
  const watch = GlobalLogWatch.for(store, metrics, log, {
    subscriptions: ['relay'],
    stallAlertSeconds: config.stallAlertSeconds,
    intervalMs: options.watchIntervalMs,
    lag: (_id, lag) => {
      metrics.relay.lagEvents.set(lag.positionsBehind);
      metrics.relay.lagSeconds.set(lag.oldestPendingAgeSeconds);
    },
  });
  if (watch) health.add(watch.start());

  const publisher = new KafkaEventPublisher(kafka);
  const connecting = untilConnected(
    `relay: Kafka ${kafka.brokers.join(',')}`,
    async () => {
      await ensureTopicsOnce(kafka);
      await publisher.connect();
    },
    broker,
    log,
    () => stopped,
  ).then((connected) => {
    if (connected === null) return;
    const m = metrics.relay;
    relay = startRelay(
      store,
      {
        async publish(events) {
          const started = process.hrtime.bigint();
          await publisher.publish(events);
          m.batchSize.observe(events.length);
          m.batchDuration.observe(secondsSince(started));
          m.published.inc(events.length);
          if (log.isLevelEnabled('debug')) {
            const correlationIds = correlationIdsOf(events.map((e) => JSON.parse(e.json) as { correlationId: string }));
            log.debug({ events: events.length, firstEventId: events[0]?.eventId, correlationIds }, 'relay: batch acknowledged');
          }
        },
      },
      { pollIntervalMs: options.pollIntervalMs ?? 100 },
    );
    relay.onFailure = (error, consecutive) => {
      m.errors.inc();
      if (consecutive === 1 || consecutive % 20 === 0) log.warn({ consecutiveFailures: consecutive }, `relay: ${(error as Error).message}; retrying the same batch with backoff`);
    };
    log.info(`relay: ${config.store} → ${kafka.brokers.join(',')} (${kafka.topicPrefix}.events)`);
  });

  return {
    ops,
    async stop() {
      stopped = true;
      await connecting;
      await relay?.stop();
      watch?.stop();
      await publisher.disconnect().catch(() => undefined);
      await probe.close();
      await store.close();
      await ops.server.stop();
    },
  };
}
