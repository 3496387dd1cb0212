import type { Command } from 'commander';
import { migrate, runKpis } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { explainAnalyticsError, openAnalytics } from '@service-ledger/runtime';
import { fail } from './fail';
import { registerKpiExport } from './kpi-export';
import { registerKpiWhatIf } from './policy';

/** `service-ledger kpi show|export|whatif`: a month's KPIs on the terminal or as the monthly workbook/CSV. */
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
        fail(explainAnalyticsError(error, loadConfig()));
      }
    });
  registerKpiExport(kpi, fail);
  registerKpiWhatIf(kpi);
}
