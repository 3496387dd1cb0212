import { type LogCheckpoint, SealedLog, type SqlEventStore } from '@service-ledger/event-store';
import { type CheckpointFolder, signCheckpoint, type SigningKey } from './checkpoints';

export interface SealerOptions {
  /** A checkpoint every this many sealed entries (SL_CHECKPOINT_EVERY_EVENTS). */
  everyEvents: number;
  /** …and at least this often while new entries arrive (SL_CHECKPOINT_EVERY_MINUTES). */
  everyMinutes: number;
  /** The signing key (outside the data folder). Without it checkpoints are written unsigned. */
  key?: SigningKey;
  /** Copies outside the store, with the entries each covers. */
  folder?: CheckpointFolder;
  /** Further outside copies (a Kafka topic); a failure is logged, never blocks sealing. */
  publish?: (c: LogCheckpoint) => Promise<void>;
  now?: () => Date;
  log?: (line: string) => void;
}

/**
 * The sequencer of the global log (Certificate Transparency's model, one chain instead of a Merkle tree): numbers the
 * visible global log in order, chains it, and at intervals signs a checkpoint (seq, position, digest, time) kept in
 * the store and outside it. Appends never wait for it; it follows the log like any reader.
 */
export class Sealer {
  private readonly log: SealedLog;
  private last: LogCheckpoint | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    store: SqlEventStore,
    private readonly options: SealerOptions,
  ) {
    this.log = new SealedLog(store.sql);
  }

  /**
   * Seals everything visible now and signs the checkpoints that fall due; `final` also signs the head (a one-shot
   * run or a shutdown: entries after the last checkpoint are only as safe as the store until one covers them).
   */
  async sealOnce(options: { final?: boolean } = {}): Promise<{ sealed: number; checkpoints: LogCheckpoint[] }> {
    const now = this.options.now ?? (() => new Date());
    if (this.last === undefined) this.last = (await this.log.checkpoints()).at(-1) ?? null;
    let head = await this.log.head();
    let sealed = 0;
    const made: LogCheckpoint[] = [];
    for (;;) {
      const lastSeq = BigInt(this.last?.seq ?? '0');
      // Batches end on checkpoint boundaries, so checkpoints fall every N entries exactly.
      const room = this.options.everyEvents - Number(head.seq - lastSeq);
      const r = await this.log.seal(Math.max(1, Math.min(room, 5000)));
      if (r.entries.length === 0) break;
      head = r.head;
      sealed += r.entries.length;
      if (head.seq - lastSeq >= BigInt(this.options.everyEvents)) made.push(await this.checkpoint(now()));
    }
    const due = options.final || !this.last || now().getTime() - Date.parse(this.last.sealedAt) >= this.options.everyMinutes * 60_000;
    if (due && head.seq > BigInt(this.last?.seq ?? '0')) made.push(await this.checkpoint(now()));
    return { sealed, checkpoints: made };
  }

  private async checkpoint(at: Date): Promise<LogCheckpoint> {
    const head = await this.log.head();
    const from = BigInt(this.last?.seq ?? '0') + 1n;
    const c = signCheckpoint({ seq: head.seq.toString(), position: head.position, logHash: head.logHash!, sealedAt: at.toISOString() }, this.options.key);
    await this.log.addCheckpoint(c);
    if (this.options.folder) this.options.folder.write({ ...c, from: from.toString(), entries: await this.log.entries(from, head.seq) });
    if (this.options.publish) await this.options.publish(c).catch((e: Error) => this.options.log?.(`checkpoint #${c.seq}: not published (${e.message})`));
    this.last = c;
    return c;
  }

  /** Seals every `intervalMs` until stopped; one pass at a time. */
  start(intervalMs = 1000): void {
    const tick = () => {
      this.running = this.sealOnce()
        .catch((e: Error) => this.options.log?.(`sealer: ${e.message}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the loop after a last pass that signs the head. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.sealOnce({ final: true }).catch((e: Error) => this.options.log?.(`sealer: ${e.message}`));
  }
}

/** The anchor for an export: the latest checkpoint (signed when the sealer has a key), or null before the first. */
export async function latestCheckpointAnchor(store: SqlEventStore): Promise<{ position: string; digest: string; checkpoint: LogCheckpoint } | null> {
  const last = (await new SealedLog(store.sql).checkpoints()).at(-1);
  return last ? { position: last.position, digest: last.logHash, checkpoint: last } : null;
}
