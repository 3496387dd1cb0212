import { verifyOptionsFrom } from '@service-ledger/audit';
import type { INestApplication } from '@nestjs/common';
import { DEMO_TOKEN_TTL, demoPrincipals } from '@service-ledger/auth';
import type { Config } from '@service-ledger/config';
import { createApp } from '@service-ledger/api';
import { openStore, tokenService } from '../open';
import { assertReadSideFilled } from '../processes/api';
import { eventStoreCheck } from '../ops/checks';
import { Health, Metrics, processLogger, startOpsServer } from '@service-ledger/telemetry';
import { announceServer } from '../server-file';
import type { EmbeddedPart } from './part';
import { embeddedAnalytics, projectorPart } from './projector.part';
import { notifierPart } from './notifier.part';
import { schedulerPart } from './scheduler.part';
import { sealerPart } from './sealer.part';
import { seedPart } from './seed.part';

/** The embedded process, in start order: sample data on first run, the sealer, the projector catching up, the monthly export, alerts. */
const embeddedParts: EmbeddedPart[] = [seedPart, sealerPart, projectorPart, schedulerPart(() => embeddedAnalytics!), notifierPart(() => embeddedAnalytics!)];

export interface Running {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
  /**
   * Resolves if a part stopped for good: the projector thread, which alone owns chDB, ended. The caller logs it and
   * stops the process for its supervisor to restart; meanwhile /health shows analytics and the projector degraded.
   */
  failed: Promise<Error>;
}

export async function startEmbedded(config: Config, log: (line: string) => void = console.log): Promise<Running> {
  assertReadSideFilled(config, 'embedded');
  const store = await openStore(config);
  const tokens = tokenService(config);
  const metrics = new Metrics('service-ledger');
  const health = new Health().add(eventStoreCheck(store, metrics));
  const ops = { metrics, health, logger: processLogger('service-ledger', config.logLevel) };
  const stops: (() => Promise<void>)[] = [];
  const failures: Promise<Error>[] = [];
  const modules: NonNullable<Parameters<typeof createApp>[0]['modules']> = [];
  const providers: NonNullable<Parameters<typeof createApp>[0]['providers']> = [];
  const onRequest: (() => void)[] = [];
  for (const part of embeddedParts) {
    const started = await part.start({ config, store, log, ops });
    stops.unshift(started.stop);
    if (started.onRequest) onRequest.push(started.onRequest);
    if (started.failed) failures.push(started.failed);
    modules.push(...(started.modules ?? []));
    providers.push(...(started.providers ?? []));
  }
  const app = await createApp({ store, tokens, logLevel: config.logLevel, modules, providers, metrics, health, metricsToken: config.metricsToken, verify: verifyOptionsFrom(config), timeZone: config.timeZone, analyticsReads: { concurrency: config.analyticsReadConcurrency, queue: config.analyticsReadQueue } });
  // Before Express sees the request: Node emits 'request' once a request's head is parsed, the event-loop turn's
  // sockets one after the other.
  if (onRequest.length) app.getHttpServer().prependListener('request', () => onRequest.forEach((hook) => hook()));
  await app.listen(config.port, config.host);
  const opsServer = config.opsPort !== undefined ? await startOpsServer({ host: config.opsHost, port: config.opsPort, health, metrics, metricsToken: config.metricsToken }) : null;
  if (opsServer) stops.unshift(() => opsServer.stop());
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  const withdraw = config.analytics === 'chdb' ? announceServer(config, url) : () => undefined;
  log(`Service Ledger is running at ${url} (store: ${config.store}, data: ${config.dataDir})`);
  log(`  API docs:   ${url}/api/docs`);
  log(`  Dashboards: ${url}/dashboards`);
  // Demo tokens only for the self-contained demo: a secret generated in the data dir and the sample company. With a
  // real secret or real data, tokens come from `service-ledger tokens issue` (an admin with the secret).
  if (!config.authSecret && config.seedOnFirstRun) {
    log(`  Demo tokens, valid ${DEMO_TOKEN_TTL} (Authorization: Bearer <token>):`);
    for (const p of demoPrincipals()) log(`    ${p.role.padEnd(22)} ${tokens.issue(p, DEMO_TOKEN_TTL)}`);
  } else log('  Tokens: service-ledger tokens issue --role <role> --projects <P01,P02|*> --ttl 8h');
  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    failed: Promise.race(failures),
    stop: () =>
      (stopping ??= (async () => {
        withdraw();
        await app.close();
        for (const stop of stops) await stop();
        await store.close();
      })()),
  };
}
