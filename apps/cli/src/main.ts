import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, configTable, loadConfig } from '@service-ledger/config';
import { UNMASK_ROLES } from '@service-ledger/auth';
import { ROLES } from '@service-ledger/core';
import { issueToken } from './issue-token';
import { importFile } from '@service-ledger/domain';
import { openStore, startEmbedded, tokenService } from '@service-ledger/runtime';
import { registerExtraCommands } from './extra-commands';

/** Exit with a clear message for bad configuration or input, never a stack trace. */
function fail(error: unknown): never {
  console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 78 : 1);
}

const program = new Command('service-ledger').description('Service Ledger: event-sourced service-quality analytics for property management').showHelpAfterError();

program
  .command('start')
  .description('Run the embedded default: API + projector on PGlite and chDB in one process')
  .action(async () => {
    try {
      const running = await startEmbedded(loadConfig());
      const shutdown = () => void running.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    } catch (error) {
      fail(error);
    }
  });

program
  .command('import')
  .argument('<file>', 'NDJSON file, one command per line')
  .description('Apply historical records through the same command handlers as the API')
  .action(async (file: string) => {
    try {
      const store = await openStore(loadConfig());
      const report = await importFile(store, file, (l) => console.error(l));
      await store.close();
      console.log(`applied ${report.applied}, already applied ${report.duplicates}, failed ${report.failed.length}`);
      if (report.failed.length > 0) process.exit(1);
    } catch (error) {
      fail(error);
    }
  });

const tokensCommand = program.command('tokens').description('Bearer tokens (needs the secret: SL_AUTH_SECRET, or the embedded data dir)');
tokensCommand
  .command('issue')
  .description('Issue one bearer token for a role and projects, with a lifetime')
  .requiredOption('--role <role>', `one of ${ROLES.filter((r) => r !== 'system').join(', ')}`)
  .requiredOption('--projects <list>', "comma-separated project ids, or '*' for company-wide")
  .requiredOption('--ttl <duration>', "lifetime: 30m, 8h, 7d (at most 90d)")
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

registerExtraCommands(program, fail);

program.parseAsync(process.argv).catch(fail);
