import type { Command } from 'commander';
import { demoPrincipals } from '@service-ledger/auth';
import { configTable, loadConfig } from '@service-ledger/config';
import { tokenService } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger tokens` and `config`: demo tokens per role, and the configuration variables. */
export function registerSetupCommands(program: Command): void {
  program
    .command('tokens')
    .description('Print demo bearer tokens, one per role')
    .action(() => {
      try {
        const tokens = tokenService(loadConfig());
        for (const p of demoPrincipals()) console.log(`${p.role.padEnd(22)} ${tokens.issue(p)}`);
      } catch (error) {
        fail(error);
      }
    });

  program
    .command('config')
    .description('Print the configuration variables as a Markdown table')
    .action(() => console.log(configTable()));
}
