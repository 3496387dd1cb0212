import type { Command } from 'commander';
import { compareDatabases, migrate, replay, runKpis } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { openAnalytics } from './parts/projector.part';
import { openStore } from './runtime';
import { seedStore } from '@service-ledger/seed';
import { exportKpisToFiles } from '@service-ledger/exports';
import { AccessLogWriter, caseAsOf, proveReplay, resolveCase, verifyStore } from '@service-ledger/audit';
import { maskPersonalData } from '@service-ledger/auth';
import { SqlEventStore } from '@service-ledger/event-store';
import { userInfo } from 'node:os';

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

  const audit = program.command('audit').description('Audit: case history, replay proof, tamper evidence');
  const operator = () => ({ staffId: `cli:${userInfo().username}`, role: 'auditor' as const });
  audit
    .command('history')
    .argument('<case-id>', 'case id or stream id')
    .option('--as-of <instant>', 'the state as of this ISO-8601 instant')
    .option('--unmask', 'show personal data (logged)')
    .description('Every event of a case in order, and its state and SLA clocks as of an instant')
    .action(async (caseId: string, opts: { asOf?: string; unmask?: boolean }) => {
      try {
        const store = await openStore(loadConfig());
        const streamId = await resolveCase(store, caseId);
        if (opts.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(opts.asOf)) throw new Error('--as-of must be an ISO-8601 date-time, e.g. 2026-03-10T12:00:00+08:00');
        const result = await caseAsOf(store, streamId, opts.asOf ? new Date(opts.asOf) : new Date());
        await new AccessLogWriter(store).record(operator(), { what: 'case_history', target: streamId, unmasked: !!opts.unmask, details: { asOf: result.asOf } });
        const mask = <T>(d: T) => (opts.unmask ? d : maskPersonalData(d));
        console.log(`${streamId} as of ${result.asOf} (version ${result.version})`);
        for (const e of result.events) {
          console.log(`#${e.streamVersion} ${e.type}  occurred ${e.occurredAt}  recorded ${e.recordedAt}  by ${e.actor.staffId} (${e.actor.role})  correlation ${e.correlationId}${e.causationId ? ` causation ${e.causationId}` : ''}`);
          console.log(`    ${JSON.stringify(mask(e.data))}`);
        }
        console.log(`state: ${JSON.stringify(mask(result.state))}`);
        for (const c of result.clocks) console.log(`clock ${c.clock.padEnd(26)} ${c.status.padEnd(9)} deadline ${c.deadline}${c.metAt ? ` met ${c.metAt}` : ''}${c.breachSeconds ? ` over by ${c.breachSeconds} s` : ''}`);
        await store.close();
      } catch (error) {
        fail(error);
      }
    });
  audit
    .command('verify')
    .option('--anchor <position:digest>', 'check the global digest against an anchor kept outside the system')
    .description('Walk the event store and report the first broken link of the hash chains')
    .action(async (opts: { anchor?: string }) => {
      try {
        const store = await openStore(loadConfig());
        if (!(store instanceof SqlEventStore)) throw new Error(`audit verify needs a SQL event store (SL_STORE=${store.kind})`);
        let anchor;
        if (opts.anchor) {
          const m = /^(\d+):([0-9a-f]{64})$/.exec(opts.anchor);
          if (!m) throw new Error('--anchor must be <position>:<sha256 hex>');
          anchor = { position: m[1], digest: m[2] };
        }
        const started = process.hrtime.bigint();
        const report = await verifyStore(store, { anchor });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        await new AccessLogWriter(store).record(operator(), { what: 'audit_verify', target: '', unmasked: false, details: { ok: report.ok, events: report.events } });
        console.log(`${report.events} events in ${report.streams} streams checked in ${seconds.toFixed(2)} s (${Math.round(report.events / seconds)} events/s)`);
        console.log(`head: ${report.head.position}:${report.head.digest}`);
        if (report.broken) console.log(`BROKEN at position ${report.broken.position}: event ${report.broken.eventId || '—'} of ${report.broken.streamId} v${report.broken.streamVersion}: ${report.broken.problem}`);
        else console.log('every link holds');
        await store.close();
        process.exit(report.ok ? 0 : 4);
      } catch (error) {
        fail(error);
      }
    });
  audit
    .command('replay')
    .option('--into <database>', 'fresh ClickHouse database for the proof (default <live>_proof)')
    .description('Rebuild every projection into a fresh database and compare it with the live tables and every closed month’s KPI export')
    .action(async (opts: { into?: string }) => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        const live = openAnalytics(config);
        await migrate(live);
        const proof = await proveReplay(store, live, { target: opts.into, timeZone: config.timeZone });
        await new AccessLogWriter(store).record(operator(), { what: 'audit_replay', target: '', unmasked: false, details: { equal: proof.equal, events: proof.events } });
        console.log(`replayed ${proof.events} events`);
        for (const t of proof.tables) console.log(`${t.rowsA === t.rowsB && t.checksumA === t.checksumB ? 'equal  ' : 'DIFFERS'} table ${t.table.padEnd(22)} live ${t.rowsA} rows (${t.checksumA}), replay ${t.rowsB} rows (${t.checksumB})`);
        for (const m of proof.months) console.log(`${m.equal ? 'equal  ' : 'DIFFERS'} KPI export ${m.month}`);
        console.log(proof.equal ? 'EQUAL: the dashboards and exports follow from the history' : 'DIFFERENT: see the lines marked DIFFERS');
        await store.close();
        await live.close();
        process.exit(proof.equal ? 0 : 3);
      } catch (error) {
        fail(error);
      }
    });
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`${flag} must be a whole number from 1 to 100000, got '${value}'`);
  return n;
}
