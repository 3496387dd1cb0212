import type { INestApplication } from '@nestjs/common';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { AnalyticsApiModule, createApp, DashboardsModule, routeAccess } from '@service-ledger/api';
import { TokenService, type Principal } from '@service-ledger/auth';
import type { Role } from '@service-ledger/core';
import { createEventStore, type SqlEventStore } from '@service-ledger/event-store';
import { generateHistory, type PlannedCommand, seedStore } from '@service-ledger/seed';
import { testAnalytics } from '../support/chdb';
import { TEST_SECRET } from '../support/api';

/** Two projects (P01, P02) and a month of history, seeded through the real handlers; one app with every module. */
export const HISTORY = { projects: 2, months: 1, seed: 14, until: new Date('2026-11-20T00:00:00Z') };

export interface SecurityFixture {
  app: INestApplication;
  store: SqlEventStore;
  db: Analytics;
  tokens: TokenService;
  history: PlannedCommand[];
  token(role: Role, projects: string[] | '*', permissions?: string[]): string;
  /** Event count and a digest over every stream head (version and last hash): any append or rewrite changes it. */
  head(): Promise<string>;
  routes: ReturnType<typeof routeAccess>;
  close(): Promise<void>;
}

export async function securityFixture(): Promise<SecurityFixture> {
  const store = (await createEventStore({ kind: 'pglite' })) as SqlEventStore;
  const seeded = await seedStore(store, HISTORY);
  if (seeded.failed.length) throw new Error(`seed refused ${seeded.failed.length} commands: ${JSON.stringify(seeded.failed[0])}`);
  const db = await testAnalytics('sec');
  const tokens = new TokenService(TEST_SECRET);
  const app = await createApp({ store, tokens, logLevel: 'silent', modules: [AnalyticsApiModule.register(), DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
  await app.init();
  return {
    app,
    store,
    db,
    tokens,
    history: generateHistory(HISTORY).commands,
    token: (role, projects, permissions = []) => tokens.issue({ staffId: `sec-${role}`, role, projects, permissions } satisfies Principal, '1h'),
    async head() {
      const [row] = await store.sql.query<{ events: string; digest: string }>(
        `SELECT (SELECT count(*) FROM sl_events)::text AS events,
                coalesce(md5(string_agg(stream_id || ':' || version || ':' || coalesce(last_hash, ''), ',' ORDER BY stream_id)), '') AS digest
           FROM sl_streams`,
      );
      return `${row.events}/${row.digest}`;
    },
    routes: routeAccess(app),
    async close() {
      await app.close();
      await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await store.close();
    },
  };
}
