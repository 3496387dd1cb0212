import { verifyOptionsFrom } from '@service-ledger/audit';
import type { INestApplication } from '@nestjs/common';
import { ANALYTICS, type Analytics, type ClickHouseAnalytics, migrate } from '@service-ledger/analytics';
import { AnalyticsApiModule, createApp, DashboardsModule, Freshness } from '@service-ledger/api';
import { type Config, ConfigError } from '@service-ledger/config';
import { Health, Metrics, type OpsServer, processLogger, startOpsServer } from '@service-ledger/telemetry';
import { analyticsCheck, eventStoreCheck } from '../ops/checks';
import { openAnalytics, openStore, tokenService } from '../open';

/**
 * A process that serves KPIs from an analytics database it does not fill must not start: in the distributed shape the
 * API reads what the projector writes, which an in-process chDB folder can never be.
 */
export function assertReadSideFilled(config: Config, shape: 'distributed' | 'embedded'): void {
  if (config.analytics !== 'chdb') return;
  if (shape === 'distributed') {
    throw new ConfigError([
      'SL_ANALYTICS=chdb: the distributed API would read its own empty in-process chDB, which no projector fills (KPIs would read 0/0). Set SL_ANALYTICS=clickhouse and SL_CLICKHOUSE_URL to the server the projector writes, or run the embedded `service-ledger start`',
    ]);
  }
  if (!config.projector) {
    throw new ConfigError(['SL_PROJECTOR=false with SL_ANALYTICS=chdb: nothing would fill the embedded analytics database this process reads. Keep SL_PROJECTOR=true, or set SL_ANALYTICS=clickhouse with a projector writing to that server']);
  }
}

/** The distributed API: commands and reads over PostgreSQL/KurrentDB and a ClickHouse server. */
/** `analytics`: an analytics client shared with a projector in the same process (tests: chDB binds one folder per process). */
export async function startApiProcess(config: Config, options: { analytics?: ClickHouseAnalytics } = {}): Promise<{ app: INestApplication; url: string; ops: OpsServer | null; stop(): Promise<void> }> {
  if (!options.analytics) assertReadSideFilled(config, 'distributed');
  const log = processLogger('api', config.logLevel);
  const metrics = new Metrics('api');
  const store = await openStore(config);
  const db = (options.analytics?.withDatabase(options.analytics.database) ?? openAnalytics(config)).instrument(metrics);
  // ClickHouse may come up after the API: commands work meanwhile, and /health says analytics is degraded.
  await migrate(db).catch((error: Error) => log.warn(`api: analytics not ready (${error.message}); KPI reads fail until it is`));
  const freshness = new Freshness(store, db);
  const health = new Health().add(eventStoreCheck(store, metrics), analyticsCheck(db, metrics, 'degraded'), freshness.check());
  const app = await createApp({
    store,
    tokens: tokenService(config),
    logLevel: config.logLevel,
    metrics,
    health,
    metricsToken: config.metricsToken,
    verify: verifyOptionsFrom(config),
    timeZone: config.timeZone,
    analyticsReads: { concurrency: config.analyticsReadConcurrency, queue: config.analyticsReadQueue },
    modules: [AnalyticsApiModule.register({ timeZone: config.timeZone }), DashboardsModule.register({ timeZone: config.timeZone, cacheEntries: config.panelCacheEntries })],
    providers: [{ provide: ANALYTICS, useValue: db }, { provide: Freshness, useValue: freshness }],
  });
  await app.listen(config.port, config.host);
  const ops = config.opsPort !== undefined ? await startOpsServer({ host: config.opsHost, port: config.opsPort, health, metrics, metricsToken: config.metricsToken }) : null;
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  log.info(`api: listening on ${url} (store ${config.store}, analytics ${config.analytics})${ops ? `; health and metrics also on ${ops.url}` : ''}`);
  return {
    app,
    url,
    ops,
    async stop() {
      await app.close();
      await ops?.stop();
      await store.close();
      if (!options.analytics) await db.close();
    },
  };
}
