import { extname } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { migrate } from '@service-ledger/analytics';
import { latestCheckpointAnchor } from '@service-ledger/audit';
import { loadConfig } from '@service-ledger/config';
import { SqlEventStore } from '@service-ledger/event-store';
import { CSV_SHEETS, exportKpisToFiles } from '@service-ledger/exports';
import { explainAnalyticsError, openAnalytics, openStore, runningServer, tokenService } from '@service-ledger/runtime';

type Opts = { month: string; project?: string; format: string; out?: string; anchor?: boolean };

/**
 * `kpi export`: reads the analytics store directly, or — when the embedded server runs on the same data folder and
 * holds chDB's lock — asks that server's API for the same files (as HR, with a token signed by the data folder's secret).
 */
export function registerKpiExport(kpi: Command, fail: (e: unknown) => never): void {
  kpi
    .command('export')
    .description('Write the monthly KPI export (xlsx, or one UTF-8 CSV per table); goes through the running server when there is one')
    .requiredOption('--month <YYYY-MM>', 'month')
    .option('--project <id>', 'only this project')
    .option('--format <xlsx|csv>', 'file format', 'xlsx')
    .option('--out <file>', 'output file (csv: the base name of the files)')
    .option('--anchor', 'print the latest signed checkpoint of the sealed log in the export (the audit anchor)')
    .action(async (opts: Opts) => {
      const config = loadConfig();
      try {
        if (opts.format !== 'xlsx' && opts.format !== 'csv') throw new Error(`--format must be xlsx or csv, got '${opts.format}'`);
        const out = opts.out ?? `kpi-${opts.month}${opts.project ? `-${opts.project}` : ''}.${opts.format}`;
        const server = config.analytics === 'chdb' ? runningServer(config) : null;
        if (server) {
          if (opts.anchor) throw new Error('--anchor reads the event store, which the running server holds; stop the server or leave out --anchor');
          for (const f of await exportThroughServer(server.url, tokenService(config).issue({ staffId: 'cli-export', role: 'hr', projects: '*', permissions: [] }), opts, out)) console.log(`wrote ${f} (through the server at ${server.url})`);
          return;
        }
        const db = openAnalytics(config);
        try {
          await migrate(db);
          let anchor;
          if (opts.anchor) {
            const store = await openStore(config);
            if (!(store instanceof SqlEventStore)) throw new Error('--anchor needs a SQL event store');
            anchor = await latestCheckpointAnchor(store);
            if (!anchor) throw new Error('--anchor: the log has no checkpoint yet (run `service-ledger audit seal`)');
            await store.close();
          }
          const files = await exportKpisToFiles(db, { month: opts.month, project: opts.project, timeZone: config.timeZone, anchor }, opts.format, out);
          for (const f of files) console.log(`wrote ${f}`);
        } finally {
          await db.close().catch(() => undefined);
        }
      } catch (error) {
        fail(explainAnalyticsError(error, config));
      }
    });
}

async function exportThroughServer(url: string, token: string, opts: Opts, out: string): Promise<string[]> {
  const get = async (params: Record<string, string>) => {
    const q = new URLSearchParams({ month: opts.month, ...(opts.project ? { project: opts.project } : {}), ...params });
    const res = await fetch(`${url}/api/exports/kpi?${q}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { message?: string; issues?: { field: string; message: string }[] };
      throw new Error(body.issues?.length ? body.issues.map((i) => `${i.field}: ${i.message}`).join('; ') : (body.message ?? `the server answered ${res.status}`));
    }
    return Buffer.from(await res.arrayBuffer());
  };
  if (opts.format === 'xlsx') {
    writeFileSync(out, await get({ format: 'xlsx' }));
    return [out];
  }
  const base = out.slice(0, out.length - extname(out).length);
  const files: string[] = [];
  for (const sheet of CSV_SHEETS) {
    const file = `${base}-${sheet.replace(/_/g, '-')}.csv`;
    writeFileSync(file, await get({ format: 'csv', sheet }));
    files.push(file);
  }
  return files;
}
