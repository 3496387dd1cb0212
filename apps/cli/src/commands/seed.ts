import type { Command } from 'commander';
import { loadConfig } from '@service-ledger/config';
import { openStore } from '@service-ledger/runtime';
import { seedStore } from '@service-ledger/seed';
import { fail, positiveInt } from './fail';

/** `service-ledger seed`: a deterministic sample company through the real command handlers. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Generate a sample company through the real command handlers (deterministic for a seed)')
    .option('--projects <n>', 'projects', (v) => positiveInt('--projects', v), 5)
    .option('--months <n>', 'months of history up to today', (v) => positiveInt('--months', v), 12)
    .option('--seed <n>', 'random seed', (v) => positiveInt('--seed', v), 1)
    .action(async (opts: { projects: number; months: number; seed: number }) => {
      try {
        const store = await openStore(loadConfig());
        const started = Date.now();
        const report = await seedStore(store, opts, (done, total) => process.stderr.write(`\rseeding: ${done}/${total} commands`));
        process.stderr.write('\n');
        console.log(`${report.applied} commands applied (${report.events} events), ${report.duplicates} already there, ${report.failed.length} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const f of report.failed.slice(0, 10)) console.error(`  ${f.name}: ${f.error}`);
        await store.close();
        if (report.failed.length) process.exit(1);
      } catch (error) {
        fail(error);
      }
    });
}
