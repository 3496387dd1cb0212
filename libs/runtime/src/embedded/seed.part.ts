import { seedStore } from '@service-ledger/seed';
import type { EmbeddedPart } from './part';

/** First start on an empty store: seed a small company so a newcomer sees full dashboards at once. */
export const seedPart: EmbeddedPart = {
  name: 'seed',
  async start({ config, store, log }) {
    const empty = (await store.readAll({ limit: 1 })).events.length === 0;
    if (config.seedOnFirstRun && empty) {
      log('First start on an empty store: seeding a sample company (5 projects, 12 months) through the command handlers…');
      const started = Date.now();
      const report = await seedStore(store, { projects: 5, months: 12, seed: 1 }, (done, total) => {
        if (done === total || done % 10_000 < 2000) log(`  seeded ${done}/${total} commands`);
      });
      log(`  ${report.events} events in ${((Date.now() - started) / 1000).toFixed(0)} s${report.failed.length ? `, ${report.failed.length} commands refused` : ''}`);
    }
    return { async stop() {} };
  },
};
