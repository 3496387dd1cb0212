import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { migrate, whatIf } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { newId } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { changeSummary, COMPANY_SCOPE, loadPolicyHistory, policyView } from '@service-ledger/policies';
import { explainAnalyticsError, openAnalytics, openStore } from '@service-ledger/runtime';
import { fail } from './fail';

function readJson(file: string, flag: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${flag}: cannot read ${file} as JSON (${(error as Error).message})`);
  }
}

/** `service-ledger policy show|set`: read and record policy changes through the command pipeline. */
export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Policies as data: calendars, SLA limits, score weights, complaint topics');
  policy
    .command('show')
    .description('The policy in force for a project (or the company defaults) at an instant, and the changes of its scope')
    .option('--project <id>', 'project (default: what a project without its own changes gets)')
    .option('--as-of <instant>', 'ISO-8601 instant (default now)')
    .action(async (opts: { project?: string; asOf?: string }) => {
      try {
        if (opts.asOf !== undefined && Number.isNaN(Date.parse(opts.asOf))) throw new Error('--as-of must be an ISO-8601 date-time, e.g. 2026-03-10T12:00:00+08:00');
        const config = loadConfig();
        const store = await openStore(config);
        const projectId = opts.project ?? '';
        const history = await loadPolicyHistory(store, projectId ? [projectId] : [], config.timeZone);
        console.log(JSON.stringify(policyView(history.inForce(projectId, opts.asOf ? new Date(opts.asOf) : new Date())), null, 2));
        for (const c of history.all().filter((c) => c.scope === COMPANY_SCOPE || c.scope === projectId)) {
          console.log(`${c.id.padEnd(12)} from ${c.effectiveFrom}  set by ${c.setBy} at ${c.recordedAt}: ${c.reason}\n    ${changeSummary(c)}`);
        }
        await store.close();
      } catch (error) {
        fail(error);
      }
    });
  policy
    .command('set')
    .description('Record a policy change (file: the sections, as in `policy show` / the README): company-wide or for one project')
    .requiredOption('--file <policy.json>', 'the sections to set: calendar, departmentCalendars, sla, scoreWeights, complaintTopics')
    .requiredOption('--effective-from <instant>', 'ISO-8601 instant from which the change applies (clocks started since)')
    .requiredOption('--reason <text>', 'why (kept with the change)')
    .option('--project <id>', 'the project (default: the company)')
    .action(async (opts: { file: string; effectiveFrom: string; reason: string; project?: string }) => {
      try {
        const store = await openStore(loadConfig());
        const commandId = newId();
        const result = await new CommandPipeline(store).execute(
          'ChangePolicy',
          { projectId: opts.project, effectiveFrom: opts.effectiveFrom, reason: opts.reason, sections: readJson(opts.file, '--file') },
          { commandId, actor: { staffId: `cli:${userInfo().username}`, role: 'admin' }, projectScope: '*', correlationId: commandId, causationId: null },
        );
        const d = result.events[0].data as { scope: string; change: number };
        console.log(`recorded ${d.scope}#${d.change} (${result.streamId} version ${result.version})`);
        await store.close();
      } catch (error) {
        fail(error);
      }
    });

}

/** `service-ledger kpi whatif`: every KPI of a month as it is and under a proposed policy. */
export function registerKpiWhatIf(kpi: Command): void {
  kpi
    .command('whatif')
    .description('Every KPI of a month as it is and under a proposed policy (scratch database; live tables untouched)')
    .requiredOption('--month <YYYY-MM>', 'month')
    .requiredOption('--policy <file.json>', 'the proposed sections, as for `policy set`')
    .option('--project <id>', 'propose for this project (default: the company)')
    .action(async (opts: { month: string; policy: string; project?: string }) => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        const db = openAnalytics(config);
        await migrate(db);
        const r = await whatIf(store, db, { month: opts.month, policy: readJson(opts.policy, '--policy'), project: opts.project, timeZone: config.timeZone });
        const fmt = (k: { rate: number | null; numerator: number }, kind: string) => (kind === 'rate' ? (k.rate === null ? '—' : `${(k.rate * 100).toFixed(1)} %`) : String(k.numerator));
        const table = (title: string, kpis: typeof r.company) => {
          console.log(`\n${title}\n${'KPI'.padEnd(40)} ${'old'.padStart(9)} ${'new'.padStart(9)} ${'difference'.padStart(11)}`);
          for (const k of kpis) {
            const diff = k.difference === null ? '—' : k.kind === 'rate' ? `${k.difference >= 0 ? '+' : ''}${(k.difference * 100).toFixed(1)} pt` : `${k.difference >= 0 ? '+' : ''}${k.difference}`;
            console.log(`${k.id.padEnd(40)} ${fmt(k.old, k.kind).padStart(9)} ${fmt(k.new, k.kind).padStart(9)} ${diff.padStart(11)}`);
          }
        };
        console.log(`what-if for ${r.month}: proposal for ${r.scope}, effective ${r.effectiveFrom}, events up to position ${r.position}`);
        table(opts.project ? `project ${opts.project} (company figures below)` : 'company', opts.project ? r.projects[0]?.kpis ?? [] : r.company);
        for (const p of opts.project ? [] : r.projects) table(`project ${p.projectId}`, p.kpis);
        if (opts.project) table('company', r.company);
        await store.close();
        await db.close();
      } catch (error) {
        fail(explainAnalyticsError(error, loadConfig()));
      }
    });
}
