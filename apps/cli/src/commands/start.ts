import { verifyOptionsFrom } from '@service-ledger/audit';
import type { INestApplication } from '@nestjs/common';
import { demoPrincipals } from '@service-ledger/auth';
import type { Config } from '@service-ledger/config';
import type { EventStore } from '@service-ledger/event-store';
import { createApp } from '../../../api/src/app';
import { openStore, tokenService } from '../runtime';

/** A piece of the embedded process started after the store (projector, seed, scheduler…). */
export interface EmbeddedPart {
  name: string;
  start(ctx: { config: Config; store: EventStore; log: (line: string) => void }): Promise<{ stop(): Promise<void>; modules?: Parameters<typeof createApp>[0]['modules']; providers?: Parameters<typeof createApp>[0]['providers'] }>;
}

/** Parts registered by later capabilities (kept in one list so the start sequence reads top to bottom). */
export const embeddedParts: EmbeddedPart[] = [];

export interface Running {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
}

export async function startEmbedded(config: Config, log: (line: string) => void = console.log): Promise<Running> {
  const store = await openStore(config);
  const tokens = tokenService(config);
  const stops: (() => Promise<void>)[] = [];
  const modules: NonNullable<Parameters<typeof createApp>[0]['modules']> = [];
  const providers: NonNullable<Parameters<typeof createApp>[0]['providers']> = [];
  for (const part of embeddedParts) {
    const started = await part.start({ config, store, log });
    stops.unshift(started.stop);
    modules.push(...(started.modules ?? []));
    providers.push(...(started.providers ?? []));
  }
  const app = await createApp({ store, tokens, logLevel: config.logLevel, modules, providers, verify: verifyOptionsFrom(config) });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  log(`Service Ledger is running at ${url} (store: ${config.store}, data: ${config.dataDir})`);
  log(`  API docs:   ${url}/api/docs`);
  log(`  Dashboards: ${url}/dashboards`);
  log('  Demo tokens (Authorization: Bearer <token>):');
  for (const p of demoPrincipals()) log(`    ${p.role.padEnd(22)} ${tokens.issue(p)}`);
  let stopping: Promise<void> | null = null;
  return {
    app,
    url,
    stop: () =>
      (stopping ??= (async () => {
        await app.close();
        for (const stop of stops) await stop();
        await store.close();
      })()),
  };
}
