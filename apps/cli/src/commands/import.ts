import type { Command } from 'commander';
import { loadConfig } from '@service-ledger/config';
import { importFile } from '@service-ledger/application';
import { openStore } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger import`: historical records through the same command handlers as the API. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'NDJSON file, one command per line')
    .description('Apply historical records through the same command handlers as the API')
    .action(async (file: string) => {
      try {
        const store = await openStore(loadConfig());
        const report = await importFile(store, file, (l) => console.error(l));
        await store.close();
        console.log(`applied ${report.applied}, already applied ${report.duplicates}, failed ${report.failed.length}`);
        if (report.failed.length > 0) process.exit(1);
      } catch (error) {
        fail(error);
      }
    });
}
