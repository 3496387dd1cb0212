import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Relative, not the package index: the verify worker loads this file and must not load the database drivers.
import { checkpointMessage, type LogCheckpoint } from '../../event-store/src/canonical';
import type { LogEntry } from '../../event-store/src/sql/sealed-log';

/** Which key signed: the first 16 hex digits of sha256 over the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** An Ed25519 private key (PKCS#8 PEM) from a file that lives outside the data folder (config checks that). */
export function loadSigningKey(path: string): SigningKey {
  const privateKey = createPrivateKey(readFileSync(path));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: checkpoint key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** The public key the verifier trusts: a PEM file, or the PEM text itself. */
export function loadPublicKey(fileOrPem: string): KeyObject {
  const pem = fileOrPem.includes('BEGIN PUBLIC KEY') ? fileOrPem : readFileSync(fileOrPem, 'utf8');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('checkpoint public key must be Ed25519');
  return key;
}

export const publicKeyPem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

/** Writes a new key pair (private key readable by its owner only) and returns the paths and the public PEM. */
export function generateCheckpointKey(dir: string): { privatePath: string; publicPath: string; publicPem: string; keyId: string } {
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePath = join(dir, 'checkpoint-key.pem');
  const publicPath = join(dir, 'checkpoint-key.pub.pem');
  if (existsSync(privatePath)) throw new Error(`${privatePath} exists: refusing to replace a checkpoint key`);
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicPath, publicKeyPem(publicKey));
  return { privatePath, publicPath, publicPem: publicKeyPem(publicKey), keyId: keyIdOf(publicKey) };
}

export function signCheckpoint(c: Omit<LogCheckpoint, 'signature' | 'keyId'>, key: SigningKey | undefined): LogCheckpoint {
  if (!key) return { ...c, signature: null, keyId: null };
  return { ...c, signature: sign(null, Buffer.from(checkpointMessage(c)), key.privateKey).toString('base64'), keyId: key.keyId };
}

export function signatureHolds(c: LogCheckpoint, publicKey: KeyObject): boolean {
  if (!c.signature) return false;
  try {
    return verify(null, Buffer.from(checkpointMessage(c)), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

/** A checkpoint as written outside the store: with the entries it covers, so a finding can be located exactly. */
export interface CheckpointFile extends LogCheckpoint {
  /** Seq of the first entry listed in `entries`. */
  from: string;
  entries: LogEntry[];
}

const FILE = /^checkpoint-(\d{12})\.json$/;

/**
 * Checkpoints copied to a folder of their own (SL_CHECKPOINT_DIR), one file per checkpoint. A DBA who rewrites the
 * store cannot reach it, and a backup restorer who restores an old store finds newer checkpoints here.
 */
export class CheckpointFolder {
  constructor(readonly dir: string) {}

  write(file: CheckpointFile): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, `checkpoint-${file.seq.padStart(12, '0')}.json`), `${JSON.stringify(file)}\n`);
  }

  /** Every checkpoint in the folder (without its entries), by seq. */
  list(): LogCheckpoint[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => FILE.test(f))
      .sort()
      .map((f) => {
        // write() puts the entries last: the head alone is parsed (a copy holds thousands of entries); a file laid
        // out otherwise is parsed whole.
        const text = readFileSync(join(this.dir, f), 'utf8');
        const cut = text.indexOf(',"entries":');
        let parsed: CheckpointFile;
        try {
          parsed = JSON.parse(cut < 0 ? text : `${text.slice(0, cut)}}`) as CheckpointFile;
        } catch {
          parsed = JSON.parse(text) as CheckpointFile;
        }
        const { seq, position, logHash, sealedAt, signature, keyId } = parsed;
        return { seq, position, logHash, sealedAt, signature, keyId };
      });
  }

  read(seq: string): CheckpointFile | null {
    const path = join(this.dir, `checkpoint-${seq.padStart(12, '0')}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile) : null;
  }
}
