import type { Command } from 'commander';
import { compareDatabases, migrate, replay, runKpis } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { openAnalytics, openStore } from '@service-ledger/runtime';
import { registerAlertCommands } from './alert-commands';
import { registerAuditCommands } from './audit-commands';
import { seedStore } from '@service-ledger/seed';
import { exportKpisToFiles } from '@service-ledger/exports';
import { verifyStore } from '@service-ledger/audit';
import { SqlEventStore } from '@service-ledger/event-store';

/** Subcommands beyond start/import/tokens: one registration each. */
export function registerExtraCommands(program: Command, fail: (e: unknown) => never): void {
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
        const { events } = await replay(store, target);
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

  const kpi = program.command('kpi').description('Monthly KPIs');
  kpi
    .command('show')
    .description('Print the KPIs of a month')
    .requiredOption('--month <YYYY-MM>', 'month')
    .option('--project <id>', 'project')
    .action(async (opts: { month: string; project?: string }) => {
      try {
        const config = loadConfig();
        const db = openAnalytics(config);
        await migrate(db);
        for (const k of await runKpis(db, { month: opts.month, project: opts.project, timeZone: config.timeZone })) {
          const value = k.kind === 'rate' ? (k.rate === null ? '—' : `${(k.rate * 100).toFixed(1)} %`) : String(k.numerator);
          console.log(`${k.zh.padEnd(14, '　')} ${k.en.padEnd(45)} ${value.padStart(8)}   (${k.numerator} / ${k.denominator})`);
        }
        await db.close();
      } catch (error) {
        fail(error);
      }
    });
  kpi
    .command('export')
    .description('Write the monthly KPI export (xlsx, or one UTF-8 CSV per sheet)')
    .requiredOption('--month <YYYY-MM>', 'month')
    .option('--project <id>', 'only this project')
    .option('--format <xlsx|csv>', 'file format', 'xlsx')
    .option('--out <file>', 'output file (csv: the base name of the files)')
    .option('--anchor', 'walk the event store and print the audit anchor (global digest) in the export')
    .action(async (opts: { month: string; project?: string; format: string; out?: string; anchor?: boolean }) => {
      try {
        if (opts.format !== 'xlsx' && opts.format !== 'csv') throw new Error(`--format must be xlsx or csv, got '${opts.format}'`);
        const config = loadConfig();
        const db = openAnalytics(config);
        await migrate(db);
        const out = opts.out ?? `kpi-${opts.month}${opts.project ? `-${opts.project}` : ''}.${opts.format}`;
        let anchor;
        if (opts.anchor) {
          const store = await openStore(config);
          if (!(store instanceof SqlEventStore)) throw new Error('--anchor needs a SQL event store');
          anchor = (await verifyStore(store)).head;
          await store.close();
        }
        const files = await exportKpisToFiles(db, { month: opts.month, project: opts.project, timeZone: config.timeZone, anchor }, opts.format, out);
        for (const f of files) console.log(`wrote ${f}`);
        await db.close();
      } catch (error) {
        fail(error);
      }
    });
  registerAuditCommands(program, fail);
  registerAlertCommands(program, fail);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${flag} must be a whole number from 1 to 100000, got '${value}'`);
  return n;
}
