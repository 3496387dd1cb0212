import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { migrate } from '@service-ledger/analytics';
import { createPublicKey } from 'node:crypto';
import {
  AccessLogWriter, caseAsOf, generateCheckpointKey, keyIdOf, parseAnchor, proveReplay, resolveCase, Sealer, sealerOptionsFrom, trustedPublicKey,
  verifyDetails, verifyOptionsFrom, verifyStore, type VerifyReport,
} from '@service-ledger/audit';
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
        const number = result.events[0]?.caseNumber;
        console.log(`${streamId}${number ? ` case number ${number}` : ''} as of ${result.asOf} (version ${result.version})`);
        // The timeline page draws the same history: events on a time axis, clocks as bars.
        console.log(`timeline: /dashboards/timeline?case=${streamId}`);
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
    .option('--anchor <position:digest>', 'prove the log only grew since this head, kept outside the system')
    .option('--json', 'print the whole report as JSON')
    .description('Walk the event store: per-stream chains, the sealed global log, signed checkpoints, recorded times')
    .action(async (opts: { anchor?: string; json?: boolean }) => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        if (!(store instanceof SqlEventStore)) throw new Error(`audit verify needs a SQL event store (SL_STORE=${store.kind}: KurrentDB has no sealed global log here)`);
        const anchor = opts.anchor === undefined ? undefined : parseAnchor(opts.anchor);
        const started = process.hrtime.bigint();
        const report = await verifyStore(store, { ...verifyOptionsFrom(config), anchor });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        await new AccessLogWriter(store).record(operator(), { what: 'audit_verify', target: '', unmasked: false, details: verifyDetails(report, seconds) });
        await store.close();
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else printReport(report, seconds);
        process.exit(report.ok ? 0 : 4);
      } catch (error) {
        fail(error);
      }
    });
  audit
    .command('seal')
    .description('Seal the global log now and sign a checkpoint at its head (the running sealer does this continuously)')
    .action(async () => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        if (!(store instanceof SqlEventStore)) throw new Error(`audit seal needs a SQL event store (SL_STORE=${store.kind})`);
        const done = await new Sealer(store, sealerOptionsFrom(config)).sealOnce({ final: true });
        await store.close();
        console.log(`sealed ${done.sealed} events`);
        for (const c of done.checkpoints) console.log(`checkpoint #${c.seq} at ${c.position}:${c.logHash} ${c.signature ? `signed by ${c.keyId}` : 'UNSIGNED (no SL_CHECKPOINT_KEY)'}`);
      } catch (error) {
        fail(error);
      }
    });
  audit
    .command('keygen')
    .requiredOption('--out <folder>', 'folder for the key pair, outside the data folder')
    .description('Create the Ed25519 key pair checkpoints are signed with; prints the public key to publish')
    .action((opts: { out: string }) => {
      try {
        const key = generateCheckpointKey(opts.out);
        console.log(`private key: ${key.privatePath} (set SL_CHECKPOINT_KEY to it; keep it away from the database's operators)`);
        console.log(`public key:  ${key.publicPath} (key id ${key.keyId}; publish it and set SL_CHECKPOINT_PUBLIC_KEY where you verify)`);
        console.log(key.publicPem.trim());
      } catch (error) {
        fail(error);
      }
    });
  audit
    .command('public-key')
    .description('Print the public key verify trusts (SL_CHECKPOINT_PUBLIC_KEY, else derived from SL_CHECKPOINT_KEY)')
    .action(() => {
      try {
        const pem = trustedPublicKey(loadConfig());
        if (!pem) throw new Error('no checkpoint key configured: set SL_CHECKPOINT_KEY or SL_CHECKPOINT_PUBLIC_KEY');
        console.log(`key id ${keyIdOf(createPublicKey(pem))}`);
        console.log(pem.trim());
      } catch (error) {
        fail(error);
      }
    });
  const replayProof = async (opts: { into?: string }) => {
    try {
      const config = loadConfig();
      const store = await openStore(config);
      const live = openAnalytics(config);
      await migrate(live);
      const started = Date.now();
      const proof = await proveReplay(store, live, { target: opts.into, timeZone: config.timeZone });
      await new AccessLogWriter(store).record(operator(), { what: 'audit_replay', target: '', unmasked: false, details: { equal: proof.equal, events: proof.events, beyondLive: proof.beyondLive, months: proof.months.length } });
      console.log(`replayed ${proof.events} events (the whole store) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (proof.beyondLive) console.log(`DIFFERS ${proof.beyondLive} events in the store were never projected into the live tables (positions ${proof.beyondLiveSample.join(', ')}${proof.beyondLive > 10 ? ', …' : ''})`);
      for (const t of proof.tables) console.log(`${t.rowsA === t.rowsB && t.checksumA === t.checksumB ? 'equal  ' : 'DIFFERS'} table ${t.table.padEnd(22)} live ${t.rowsA} rows (${t.checksumA}), replay ${t.rowsB} rows (${t.checksumB})`);
      for (const m of proof.months) console.log(`${m.equal ? 'equal  ' : 'DIFFERS'} KPI export ${m.month}`);
      console.log(proof.equal ? 'EQUAL: the dashboards and exports follow from the history' : 'DIFFERENT: see the lines marked DIFFERS');
      await store.close();
      await live.close();
      process.exit(proof.equal ? 0 : 3);
    } catch (error) {
      fail(error);
    }
  };
  const replayDescription = 'Rebuild every projection from the whole store into a fresh database and compare it with the live tables and every closed month’s KPI export (exit 3 when anything differs; stop the server first when it uses chDB)';
  const intoHelp = 'fresh ClickHouse database for the proof (default <live>_proof)';
  audit.command('replay').option('--into <database>', intoHelp).description(replayDescription).action(replayProof);
  // The same command at the top level, where earlier versions had a second, weaker replay: one proof, one report.
  program.command('replay').option('--into <database>', intoHelp).description(`${replayDescription}; the same as \`audit replay\``).action(replayProof);
}

function printReport(report: VerifyReport, seconds: number): void {
  console.log(`${report.events} events in ${report.streams} streams checked in ${seconds.toFixed(2)} s (${Math.round(report.events / seconds)} events/s)`);
  console.log(`sealed log: ${report.sealed} entries (head #${report.head.seq}), ${report.unsealed} events not sealed yet`);
  console.log(`head: ${report.head.position}:${report.head.digest}`);
  const c = report.checkpoints;
  console.log(`checkpoints: ${c.found} (${c.signed} signed${c.keyId ? ` by ${c.keyId}` : ''}), last #${c.lastSeq ?? '—'}; signatures ${c.trusted ? 'checked against the trusted key' : 'NOT checked'}`);
  for (const note of c.notes) console.log(`  note: ${note}`);
  if (report.proof) {
    const p = report.proof;
    console.log(`anchor ${p.anchor.position}:${p.anchor.digest}: ${p.onlyGrew ? `the log only grew (entry #${p.anchorSeq} recomputes to the anchor, ${p.checkpointsAfter} signed checkpoints after it match)` : 'NOT a prefix of the log now'}`);
  }
  for (const f of report.findings.slice(0, 20)) {
    console.log(`BROKEN at position ${f.position}${f.seq ? ` (#${f.seq})` : ''}: ${f.eventId ? `event ${f.eventId} of ${f.streamId} v${f.streamVersion}: ` : f.streamId ? `${f.streamId}: ` : ''}${f.problem}`);
  }
  if (report.findings.length > 20) console.log(`… ${report.findings.length - 20} more (--json for all)`);
  if (report.ok) console.log('every link holds');
}
