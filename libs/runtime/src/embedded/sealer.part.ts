import { publicKeyPem, Sealer, sealerOptionsFrom } from '@service-ledger/audit';
import { SqlEventStore } from '@service-ledger/event-store';
import type { EmbeddedPart } from './part';

/** The sealer: chains the global log behind the writers and signs checkpoints (SL_SEALER, SL_CHECKPOINT_*). */
export const sealerPart: EmbeddedPart = {
  name: 'sealer',
  async start({ config, store, log }) {
    if (!config.sealer) return { async stop() {} };
    if (!(store instanceof SqlEventStore)) {
      log(`  Sealer: not supported on ${store.kind} (no sealed global log; audit verify needs a SQL store)`);
      return { async stop() {} };
    }
    const options = sealerOptionsFrom(config);
    const sealer = new Sealer(store, { ...options, log });
    sealer.start(1000);
    log(`  Sealer: checkpoint every ${config.checkpointEveryEvents} events or ${config.checkpointEveryMinutes} min, copies in ${config.checkpointDir ?? 'the store only (set SL_CHECKPOINT_DIR)'}`);
    if (options.key) log(`  Checkpoints signed by key ${options.key.keyId}; public key:\n${publicKeyPem(options.key.publicKey).trim()}`);
    else log('  Checkpoints are UNSIGNED: set SL_CHECKPOINT_KEY (`service-ledger audit keygen --out <folder outside the data folder>`)');
    return { stop: () => sealer.stop() };
  },
};
