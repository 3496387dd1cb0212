import 'reflect-metadata';
import { ANALYTICS, migrate } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { AnalyticsApiModule, createApp, DashboardsModule } from '@service-ledger/api';
import { openAnalytics, openStore, tokenService } from '@service-ledger/runtime';

/** Distributed shape: the API alone (the projector, relay and scheduler run as their own processes). */
async function main() {
  const config = loadConfig();
  const store = await openStore(config);
  const db = openAnalytics(config);
  await migrate(db);
  const app = await createApp({ store, tokens: tokenService(config), logLevel: config.logLevel, modules: [AnalyticsApiModule.register({ timeZone: config.timeZone }), DashboardsModule.register({ timeZone: config.timeZone })], providers: [{ provide: ANALYTICS, useValue: db }] });
  await app.listen(config.port, config.host);
  console.log(`api: listening on ${config.host}:${config.port} (store ${config.store}, analytics ${config.analytics})`);
  const stop = async () => {
    await app.close();
    await store.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`api: ${(e as Error).message}`);
  process.exit(1);
});
