import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { ValidationError } from '@service-ledger/core';
import { SealedLog, type SqlEventStore, type WalkBatch } from '@service-ledger/event-store';
import type { VerifyInput, VerifyReport } from './verifier';

export type { ConsistencyProof, Finding, FindingKind, VerifyReport } from './verifier';
export { EMPTY_DIGEST } from './verifier';

export interface VerifyOptions {
  /** An earlier head `<position>:<digest>` kept outside the system: the report proves the log only grew since. */
  anchor?: { position: string; digest: string };
  /** Folder of checkpoint copies outside the store (SL_CHECKPOINT_DIR). */
  checkpointDir?: string;
  /** Trusted Ed25519 public key (PEM) the checkpoints must be signed with. */
  publicKeyPem?: string;
  /** How far recorded time may go backwards along the global order (default 300 s). */
  timeToleranceSeconds?: number;
  /**
   * Rows per read (default 20 000). Each read holds this thread (PGlite runs in it): a server passes a small batch to
   * stay responsive; a one-shot run takes the default, since every read also pays a fixed cost (at 5 000 the walk
   * read for twice as long).
   */
  batchSize?: number;
  onProgress?: (walked: number, total: number) => void;
}

/**
 * Starts the verify worker. Compiled code loads verify-worker.js beside this file; run from TypeScript sources
 * (tests) the worker compiles its few relative imports with SWC, which the test runner already uses.
 */
function startWorker(input: VerifyInput): Worker {
  if (__filename.endsWith('.js')) return new Worker(join(__dirname, 'verify-worker.js'), { workerData: input });
  const bootstrap = `
    const { transformSync } = require('@swc/core');
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'), {
      filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code, filename);
    require(${JSON.stringify(join(__dirname, 'verify-worker.ts'))});`;
  return new Worker(bootstrap, { eval: true, workerData: input });
}

/**
 * Batches read ahead of the worker: either thread may be descheduled for a while on a busy machine, and a queue of a
 * few batches lets the other go on meanwhile (a batch of 20 000 events is about 10 MB).
 */
const MAX_IN_FLIGHT = 4;

/**
 * Walks the whole store in global order and reports every link that does not hold (see Verifier): reads happen
 * here in batches, hashing and checking in a worker thread, a few batches in flight so both threads stay busy.
 */
export async function verifyStore(store: SqlEventStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const log = new SealedLog(store.sql);
  const head = await log.head();
  const batchSize = options.batchSize ?? 20_000;
  let total = Number(head.seq);
  const worker = startWorker({
    storeCheckpoints: await log.checkpoints(),
    checkpointDir: options.checkpointDir,
    publicKeyPem: options.publicKeyPem,
    anchor: options.anchor,
    timeToleranceMs: (options.timeToleranceSeconds ?? 300) * 1000,
    sealedHead: head.seq > 0n ? { transactionId: head.transactionId, position: head.position } : null,
  });
  let inFlight = 0;
  let walked = 0;
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  let report: ((r: VerifyReport) => void) | null = null;
  worker.on('message', (m: { type: 'ack' } | { type: 'report'; report: VerifyReport }) => {
    if (m.type === 'ack') inFlight -= 1;
    else report?.(m.report);
    wake?.();
  });
  worker.on('error', (e) => {
    failed = e;
    wake?.();
  });
  const settle = () => new Promise<void>((resolve) => (wake = resolve));
  const send = async (stream: 'log' | 'events', batch: WalkBatch) => {
    while (inFlight >= MAX_IN_FLIGHT && !failed) await settle();
    if (failed) throw failed;
    inFlight += 1;
    // Bytes move to the worker without a copy (it decodes them); a text is cloned.
    worker.postMessage({ type: 'feed', stream, rows: batch.rows, done: batch.count < batchSize }, typeof batch.rows === 'string' ? [] : [batch.rows.buffer as ArrayBuffer]);
    if (stream === 'events') {
      walked += batch.count;
      total = Math.max(total, walked);
      options.onProgress?.(walked, total);
    }
  };
  try {
    // Two sorted streams, read alternately so neither runs far ahead of the other: the worker merges them.
    let logAfter = 0n;
    let eventsAfter = '0:0';
    let logDone = false;
    let eventsDone = false;
    let logKey = [0n, 0n];
    let eventsKey = [0n, 0n];
    const behind = (a: bigint[], b: bigint[]) => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
    while (!logDone || !eventsDone) {
      if (!logDone && (eventsDone || behind(logKey, eventsKey))) {
        const batch = await log.readLog(logAfter, batchSize);
        await send('log', batch);
        logDone = batch.count < batchSize;
        if (batch.count) {
          logAfter = BigInt(batch.last);
          logKey = batch.key!.map(BigInt);
        }
      } else {
        const batch = await log.readEvents(eventsAfter, batchSize);
        await send('events', batch);
        eventsDone = batch.count < batchSize;
        if (batch.count) {
          eventsAfter = batch.last;
          eventsKey = batch.key!.map(BigInt);
        }
      }
    }
    const heads = await log.streamHeads();
    const done = new Promise<VerifyReport>((resolve) => (report = resolve));
    worker.postMessage({ type: 'finish', heads });
    while (!failed) {
      const r = await Promise.race([done, settle().then(() => null)]);
      if (r) return r;
    }
    throw failed;
  } finally {
    await worker.terminate();
  }
}

/** `<position>:<sha256 hex>` as printed by verify and in the exports. */
export function parseAnchor(text: string): { position: string; digest: string } {
  const m = /^(\d{1,19}):([0-9a-f]{64})$/.exec(text);
  if (!m) throw ValidationError.field('anchor', 'format', 'must be <position>:<sha256 hex>, as verify prints the head');
  return { position: m[1], digest: m[2] };
}

/** What the access log records about a finished run: enough to know what was checked and what it found. */
export function verifyDetails(report: VerifyReport, seconds: number): Record<string, unknown> {
  return {
    ok: report.ok,
    events: report.events,
    sealed: report.sealed,
    findings: report.findings.length,
    firstFinding: report.broken ? { position: report.broken.position, kind: report.broken.kind } : null,
    head: `${report.head.position}:${report.head.digest}`,
    checkpoints: report.checkpoints.found,
    signaturesChecked: report.checkpoints.trusted,
    anchor: report.proof ? `${report.proof.anchor.position}:${report.proof.anchor.digest}` : null,
    seconds: Math.round(seconds * 100) / 100,
  };
}

