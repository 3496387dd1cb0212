import 'reflect-metadata';
import { Command } from 'commander';
import { registerAlertCommands } from './commands/alerts';
import { registerAuditCommands } from './commands/audit';
import { fail } from './commands/fail';
import { registerImportCommand } from './commands/import';
import { registerKpiCommands } from './commands/kpi';
import { registerPolicyCommands } from './commands/policy';
import { registerSeedCommand } from './commands/seed';
import { registerSetupCommands } from './commands/setup';
import { registerStartCommand } from './commands/start';

/** The `service-ledger` command: each topic's subcommands live in commands/<topic>.ts. */
const program = new Command('service-ledger').description('Service Ledger: event-sourced service-quality analytics for property management').showHelpAfterError();

registerStartCommand(program);
registerImportCommand(program);
registerSeedCommand(program);
registerKpiCommands(program);
registerPolicyCommands(program);
registerAuditCommands(program, fail);
registerSetupCommands(program);
registerAlertCommands(program);

program.parseAsync(process.argv).catch(fail);
