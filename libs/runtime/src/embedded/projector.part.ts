import { ANALYTICS, type Analytics, migrate, Projector, StoreEventSource } from '@service-ledger/analytics';
import { AnalyticsApiModule, DashboardsModule } from '@service-ledger/api';
import { analyticsDir, openAnalytics } from '../open';
import type { EmbeddedPart } from './part';

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
