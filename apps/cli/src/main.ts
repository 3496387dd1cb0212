import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, configTable, loadConfig } from '@service-ledger/config';
import { demoPrincipals } from '@service-ledger/auth';
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

registerExtraCommands(program, fail);

program.parseAsync(process.argv).catch(fail);
