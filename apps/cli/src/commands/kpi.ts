import type { Command } from 'commander';
import { KPI_SQL_SHAPES, kpiParams, kpiSql, type KpiSqlShape, migrate, qualifyTables, runKpis, STAFF_SCORECARD_ID } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { allPanels, kpiValueSql, toApiSql } from '@service-ledger/dashboards';
import { explainAnalyticsError, openAnalytics } from '@service-ledger/runtime';
import { fail } from './fail';
import { registerKpiExport } from './kpi-export';
import { registerKpiWhatIf } from './policy';

/** `service-ledger kpi show|sql|export|whatif`: a month's KPIs, the SQL behind one, the monthly workbook/CSV, a what-if. */
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
  kpi
    .command('sql')
    .argument('<id>', 'KPI id, e.g. repair_timeliness (see libs/analytics/KPI.md), or staff_scorecard')
    .description('Print the exact SQL a KPI runs as: the KPI run, the export\'s grouped pass, the drill-down, or the dashboard panel')
    .option('--shape <shape>', `${[...KPI_SQL_SHAPES, 'panel'].join(' | ')}`, 'run')
    .option('--month <YYYY-MM>', 'also print the query parameters for this month (with --project, --department, --staff)')
    .option('--project <id>', 'project filter')
    .option('--department <id>', 'department filter')
    .option('--staff <id>', 'staff filter')
    .action((id: string, opts: { shape: string; month?: string; project?: string; department?: string; staff?: string }) => {
      try {
        const config = loadConfig();
        if (opts.shape === 'panel') {
          // The built-in page's single-figure panel: the API binds the time range, projects and filters as parameters.
          const template = id === STAFF_SCORECARD_ID ? allPanels().find((p) => p.id === STAFF_SCORECARD_ID)!.sql : kpiValueSql(id);
          console.log(toApiSql(template, (t) => qualifyTables(`{{${t}}}`, config.clickhouseDatabase)));
          return;
        }
        if (!(KPI_SQL_SHAPES as readonly string[]).includes(opts.shape)) throw new Error(`--shape must be one of ${[...KPI_SQL_SHAPES, 'panel'].join(', ')}, got '${opts.shape}'`);
        console.log(qualifyTables(kpiSql(id, opts.shape as KpiSqlShape), config.clickhouseDatabase));
        if (opts.month) console.log(`-- parameters: ${JSON.stringify(kpiParams({ month: opts.month, project: opts.project, department: opts.department, staff: opts.staff, timeZone: config.timeZone }))}`);
      } catch (error) {
        fail(error);
      }
    });
  registerKpiExport(kpi, fail);
  registerKpiWhatIf(kpi);
}
