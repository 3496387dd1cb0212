import type { Command } from 'commander';
import { compareDatabases, migrate, replay } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { openAnalytics, openStore } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger replay`: rebuild every projection into a fresh database and compare it with the live one. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('Rebuild every projection from the event store into a fresh database and compare it with the live one (stop the server first when it uses chDB)')
    .option('--into <database>', 'target ClickHouse database (default: <live>_replay)')
    .action(async (opts: { into?: string }) => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        const live = openAnalytics(config);
        await migrate(live);
        const target = live.withDatabase(opts.into ?? `${live.database}_replay`);
        const started = Date.now();
        const { events } = await replay(store, target, { timeZone: config.timeZone });
        const report = await compareDatabases(live, target);
        console.log(`replayed ${events} events into ${target.database} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        for (const t of report.tables) console.log(`${t.rowsA === t.rowsB && t.checksumA === t.checksumB ? 'equal  ' : 'DIFFERS'} ${t.table.padEnd(22)} live ${t.rowsA} rows, replay ${t.rowsB} rows`);
        console.log(report.equal ? 'the live tables equal the replay' : 'the live tables differ from the replay');
        await store.close();
        await live.close();
        process.exit(report.equal ? 0 : 3);
      } catch (error) {
        fail(error);
      }
    });
}
