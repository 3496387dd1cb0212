import type { Command } from 'commander';
import { migrate, runKpis } from '@service-ledger/analytics';
import { verifyStore } from '@service-ledger/audit';
import { loadConfig } from '@service-ledger/config';
import { SqlEventStore } from '@service-ledger/event-store';
import { exportKpisToFiles } from '@service-ledger/exports';
import { openAnalytics, openStore } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger kpi show|export`: a month's KPIs on the terminal or as the monthly workbook/CSV. */
export function registerKpiCommands(program: Command): void {
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
}
