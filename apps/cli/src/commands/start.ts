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
        // The projector thread owns the process's only chDB session; a second one in the same process is not safe to
        // open (chDB's sessions in two threads hang when one closes), so the process stops for its supervisor to
        // restart it. Nothing is lost: the projector resumes from its checkpoint, after the last batch it wrote.
        void running.failed.then((error) => {
          console.error(`error: ${error.message}; stopping (restart service-ledger: the projector resumes from its checkpoint)`);
          void running.stop().finally(() => process.exit(1));
        });
      } catch (error) {
        fail(error);
      }
    });
}
