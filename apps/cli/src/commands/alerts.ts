import type { Command } from 'commander';
import { migrate } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { newId } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { listAlerts } from '@service-ledger/notifier';
import { openAnalytics, openStore } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger alerts …`: the dead-letter list and an admin's retry (the same command the API's retry sends). */
export function registerAlertCommands(program: Command): void {
  const alerts = program.command('alerts').description('Alerts: the dead-letter list and retries');
  alerts
    .command('dead-letters')
    .description('List alert deliveries that failed every try')
    .option('--project <id>', 'one project')
    .action(async (opts: { project?: string }) => {
      try {
        const db = openAnalytics(loadConfig());
        await migrate(db);
        const rows = await listAlerts(db, { status: 'dead', projects: opts.project ? [opts.project] : [] });
        for (const r of rows) console.log(`${r.alertId}  ${r.route.padEnd(20)} ${r.threshold.padEnd(8)} ${r.caseNumber ?? r.caseStreamId}  ${r.attempts} tries  ${r.lastError}`);
        console.log(`${rows.length} dead letter(s)`);
        await db.close();
      } catch (error) {
        fail(error);
      }
    });
  alerts
    .command('retry')
    .argument('<alertId>', 'an alert id from dead-letters')
    .option('--reason <text>', 'why (recorded)')
    .option('--operator <staffId>', 'who asks (recorded)', process.env.USER ?? 'cli')
    .description('Put an alert’s dead-lettered deliveries back in the notifier’s queue')
    .action(async (alertId: string, opts: { reason?: string; operator: string }) => {
      try {
        const config = loadConfig();
        const store = await openStore(config);
        try {
          await new CommandPipeline(store).execute('RetryAlertDelivery', { alertId, ...(opts.reason ? { reason: opts.reason } : {}) }, {
            commandId: newId(), actor: { staffId: opts.operator, role: 'admin' }, projectScope: '*', correlationId: newId(), causationId: null,
          });
          console.log(`retry of ${alertId} recorded; the notifier delivers it on its next look`);
        } finally {
          await store.close();
        }
      } catch (error) {
        fail(error);
      }
    });
}
