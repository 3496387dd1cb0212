import { mkdirSync } from 'node:fs';
import { ANALYTICS, Analytics, migrate, Projector, StoreEventSource } from '@service-ledger/analytics';
import type { Config } from '@service-ledger/config';
import { AnalyticsApiModule } from '../../../api/src/analytics.module';
import { DashboardsModule } from '../../../api/src/dashboards/dashboards.module';
import { analyticsDir } from '../runtime';
import type { EmbeddedPart } from '../commands/start';

export function openAnalytics(config: Config): Analytics {
  if (config.analytics === 'clickhouse') {
    return Analytics.open({ kind: 'clickhouse', url: config.clickhouseUrl, username: config.clickhouseUser, password: config.clickhousePassword, database: config.clickhouseDatabase });
  }
  mkdirSync(analyticsDir(config), { recursive: true });
  return Analytics.open({ kind: 'chdb', path: analyticsDir(config), database: config.clickhouseDatabase });
}

/** The analytics client opened by the projector part, shared with the parts started after it. */
export let embeddedAnalytics: Analytics | null = null;

/** Embedded shape: the projector follows the store in-process, so a command shows in KPIs within about a second. */
export const projectorPart: EmbeddedPart = {
  name: 'projector',
  async start({ config, store, log }) {
    const db = openAnalytics(config);
    await migrate(db);
    embeddedAnalytics = db;
    let subscription: { stop(): Promise<void> } | null = null;
    if (config.projector) {
      const projector = new Projector(db, { timeZone: config.timeZone });
      subscription = await new StoreEventSource(store, 'projector', 5000, 200).start((events) => projector.handle(events));
      log(`  Projector: following the event store into ${config.analytics === 'chdb' ? `chDB at ${analyticsDir(config)}` : config.clickhouseUrl}`);
    }
    return {
      modules: [AnalyticsApiModule.register({ timeZone: config.timeZone }), DashboardsModule.register({ timeZone: config.timeZone })],
      providers: [{ provide: ANALYTICS, useValue: db }],
      async stop() {
        await subscription?.stop();
        await db.close();
      },
    };
  },
};
