import type { Command } from 'commander';
import { UNMASK_ROLES } from '@service-ledger/auth';
import { configTable, loadConfig } from '@service-ledger/config';
import { ROLES } from '@service-ledger/core';
import { tokenService } from '@service-ledger/runtime';
import { fail } from './fail';
import { issueToken } from './issue-token';

/** `service-ledger tokens issue` and `config`: one bearer token for a role and projects, and the configuration variables. */
export function registerSetupCommands(program: Command): void {
  const tokensCommand = program.command('tokens').description('Bearer tokens (needs the secret: SL_AUTH_SECRET, or the embedded data dir)');
  tokensCommand
    .command('issue')
    .description('Issue one bearer token for a role and projects, with a lifetime')
    .requiredOption('--role <role>', `one of ${ROLES.filter((r) => r !== 'system').join(', ')}`)
    .requiredOption('--projects <list>', "comma-separated project ids, or '*' for company-wide")
    .requiredOption('--ttl <duration>', 'lifetime: 30m, 8h, 7d (at most 90d)')
    .option('--staff <id>', 'staff id the token speaks for (default <role>-cli)')
    .option('--unmask', `may see personal data (only ${UNMASK_ROLES.join(', ')}; logged on every use)`)
    .action((opts: { role: string; projects: string; ttl: string; staff?: string; unmask?: boolean }) => {
      try {
        console.log(issueToken(tokenService(loadConfig()), opts));
      } catch (error) {
        fail(error);
      }
    });

  program
    .command('config')
    .description('Print the configuration variables as a Markdown table')
    .action(() => console.log(configTable()));
}
