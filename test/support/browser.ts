import { existsSync } from 'node:fs';
import type { INestApplication, Provider } from '@nestjs/common';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { AnalyticsApiModule, createApp, DashboardsModule } from '@service-ledger/api';
import type { TokenService } from '@service-ledger/auth';
import type { Clock } from '@service-ledger/core';
import type { EventStore } from '@service-ledger/event-store';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, the browser the page tests drive (installed by infra/test-deps.sh). */
const CHROMIUM = '/usr/bin/chromium';

/**
 * `describe` when Debian's Chromium is installed; with CI=true a missing browser fails the file, on a developer
 * machine its tests show as skipped with a loud warning.
 */
export function describeInBrowser(what: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.CI === 'true') throw new Error(`Debian chromium is required in CI (${CHROMIUM}); run infra/test-deps.sh`);
  console.warn(`\n*** SKIPPING ${what} tests: ${CHROMIUM} not installed (apt-get install chromium) ***\n`);
  return describe.skip;
}

/** Headless Chromium without the background connections this machine's closed network refuses. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });

/** The API with the analytics and dashboards modules on a free loopback port, as the pages are served. */
export async function servePages(options: { store: EventStore; db: Analytics; tokens: TokenService; clock?: Clock; providers?: Provider[] }): Promise<{ app: INestApplication; base: string }> {
  const { store, db, tokens, clock } = options;
  const app = await createApp({ store, tokens, clock, logLevel: 'silent', modules: [AnalyticsApiModule.register(), DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }, ...(options.providers ?? [])] });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}
