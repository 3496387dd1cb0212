import { existsSync } from 'node:fs';
import type { Config } from '@service-ledger/config';
import { CheckpointFolder, loadPublicKey, loadSigningKey, publicKeyPem, type SigningKey } from './checkpoints';
import type { VerifyOptions } from './verify';

type AuditConfig = Pick<Config, 'checkpointKey' | 'checkpointPublicKey' | 'checkpointDir' | 'checkpointEveryEvents' | 'checkpointEveryMinutes' | 'auditTimeTolerance'>;

/** The signing key named by SL_CHECKPOINT_KEY, if any (a missing or wrong file fails loudly at start-up). */
export function signingKeyFrom(config: AuditConfig): SigningKey | undefined {
  if (!config.checkpointKey) return undefined;
  if (!existsSync(config.checkpointKey)) throw new Error(`SL_CHECKPOINT_KEY: no key file at ${config.checkpointKey} (create one with \`service-ledger audit keygen --out <folder outside the data folder>\`)`);
  return loadSigningKey(config.checkpointKey);
}

/** The public key verify trusts: SL_CHECKPOINT_PUBLIC_KEY, else the one derived from SL_CHECKPOINT_KEY. */
export function trustedPublicKey(config: AuditConfig): string | undefined {
  if (config.checkpointPublicKey) return publicKeyPem(loadPublicKey(config.checkpointPublicKey));
  const key = signingKeyFrom(config);
  return key ? publicKeyPem(key.publicKey) : undefined;
}

/** What `audit verify` (CLI and API) reads from the configuration. */
export function verifyOptionsFrom(config: AuditConfig): Pick<VerifyOptions, 'checkpointDir' | 'publicKeyPem' | 'timeToleranceSeconds'> {
  return { checkpointDir: config.checkpointDir, publicKeyPem: trustedPublicKey(config), timeToleranceSeconds: config.auditTimeTolerance };
}

export function sealerOptionsFrom(config: AuditConfig) {
  return {
    everyEvents: config.checkpointEveryEvents,
    everyMinutes: config.checkpointEveryMinutes,
    key: signingKeyFrom(config),
    folder: config.checkpointDir ? new CheckpointFolder(config.checkpointDir) : undefined,
  };
}
