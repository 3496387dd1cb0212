import type { Command } from 'commander';
import { loadConfig } from '@service-ledger/config';
import { startEmbedded } from '@service-ledger/runtime';
import { fail } from './fail';

/** `service-ledger start`: the embedded default in one process. */
export function registerStartCommand(program: Command): void {
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
}
