import { join, resolve } from 'node:path';
import type { Analytics } from '@service-ledger/analytics';
import { MonthlyExportScheduler } from '@service-ledger/exports';
import { latestCheckpointAnchor } from '@service-ledger/audit';
import { SqlEventStore } from '@service-ledger/event-store';
import type { EmbeddedPart } from './part';

/** The monthly KPI export, scheduled in the embedded process (a separate `start:scheduler` in the distributed shape). */
export function schedulerPart(analytics: () => Analytics): EmbeddedPart {
  return {
    name: 'scheduler',
    async start({ config, store, log, ops }) {
      const dir = config.exportDir ?? join(resolve(config.dataDir), 'exports');
      // The monthly workbook carries the latest signed checkpoint of the sealed log as its audit anchor.
      const anchor = store instanceof SqlEventStore ? () => latestCheckpointAnchor(store) : undefined;
      const scheduler = new MonthlyExportScheduler(analytics(), { dir, at: config.exportCron, timeZone: config.timeZone, log, anchor, observe: (outcome, seconds) => ops.metrics.exports.duration.observe({ outcome }, seconds) });
      scheduler.start();
      log(`  Monthly KPI export: on the 1st at ${config.exportCron} (${config.timeZone}) into ${dir}`);
      return { async stop() { scheduler.stop(); } };
    },
  };
}
