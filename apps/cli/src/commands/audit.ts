import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { migrate } from '@service-ledger/analytics';
import { AccessLogWriter, caseAsOf, proveReplay, resolveCase, verifyStore } from '@service-ledger/audit';
import { maskPersonalData } from '@service-ledger/auth';
import { loadConfig } from '@service-ledger/config';
import { SqlEventStore } from '@service-ledger/event-store';
import { openAnalytics, openStore } from '@service-ledger/runtime';

/** `service-ledger audit …`: case history and as-of state, tamper evidence, replay proof. Every use is logged. */
export function registerAuditCommands(program: Command, fail: (e: unknown) => never): void {
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
        const result = await caseAsOf(store, streamId, opts.asOf ? new Date(opts.asOf) : new Date(), { timeZone: loadConfig().timeZone });
        await new AccessLogWriter(store).record(operator(), { what: 'case_history', target: streamId, unmasked: !!opts.unmask, details: { asOf: result.asOf } });
        const mask = <T>(d: T) => (opts.unmask ? d : maskPersonalData(d));
        console.log(`${streamId} as of ${result.asOf} (version ${result.version})`);
        for (const e of result.events) {
          console.log(`#${e.streamVersion} ${e.type}  occurred ${e.occurredAt}  recorded ${e.recordedAt}  by ${e.actor.staffId} (${e.actor.role})  correlation ${e.correlationId}${e.causationId ? ` causation ${e.causationId}` : ''}`);
          console.log(`    ${JSON.stringify(mask(e.data))}`);
        }
        console.log(`state: ${JSON.stringify(mask(result.state))}`);
        for (const c of result.clocks) console.log(`clock ${c.clock.padEnd(26)} ${c.status.padEnd(9)} deadline ${c.deadline}${c.metAt ? ` met ${c.metAt}` : ''}${c.breachSeconds ? ` over by ${c.breachSeconds} s` : ''}  policy ${c.policyVersion}`);
        for (const p of result.policies) console.log(`policy ${p.id}: effective ${p.effectiveFrom}, set by ${p.setBy} at ${p.recordedAt}: ${p.reason}`);
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
