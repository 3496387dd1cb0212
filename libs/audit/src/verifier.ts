import { createPublicKey, type KeyObject } from 'node:crypto';
// Relative, not the package index: this file runs in the verify worker, which must not load the database drivers.
import { chainHash, type LogCheckpoint, logHash } from '../../event-store/src/canonical';
import { CheckpointFolder, type CheckpointFile, signatureHolds } from './checkpoints';
import { batchOf, byteFormOf, type EventRec, hashByteForm, ownCopy, readEventRecs, textOf } from './walk-bytes';

export type FindingKind = 'event' | 'stream' | 'log' | 'checkpoint' | 'time' | 'anchor';

/** One thing that does not hold, located in the global order. */
export interface Finding {
  kind: FindingKind;
  /** Global position of the event (or of the last event before the gap). */
  position: string;
  /** Entry number in the sealed log, when the finding is about a sealed entry. */
  seq: string | null;
  eventId: string;
  streamId: string;
  streamVersion: number;
  problem: string;
}

export interface VerifyInput {
  /** Checkpoints read from the store (sl_log_checkpoints). */
  storeCheckpoints: LogCheckpoint[];
  /** The folder of checkpoint copies outside the store, if configured. */
  checkpointDir?: string;
  /** The trusted public key (PEM). Without it signatures cannot be checked and checkpoints only catch careless edits. */
  publicKeyPem?: string;
  anchor?: { position: string; digest: string };
  /** How far recorded time may go backwards along the global order (concurrent commits, clock steps). */
  timeToleranceMs: number;
  /** The sealed head's (transaction id, position): an unsealed event before it was slipped in behind the sealer. */
  sealedHead: { transactionId: string; position: string } | null;
}

export interface ConsistencyProof {
  /** The anchor as given. */
  anchor: { position: string; digest: string };
  /** The anchor's entry in the sealed log, when its position is there. */
  anchorSeq: string | null;
  /** The digest at that entry recomputed from the log now. */
  recomputed: string | null;
  /** Current head: every entry from the anchor to here was chained from the anchor's digest. */
  head: { seq: string; position: string; digest: string };
  /** Signed checkpoints after the anchor that the recomputed chain matches. */
  checkpointsAfter: number;
  /** True when the log up to the anchor is unchanged and everything after it only extends it. */
  onlyGrew: boolean;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  /** Sealed log entries walked, and events the sealer has not reached yet (covered by their stream chains only). */
  sealed: number;
  unsealed: number;
  /** First finding in global order. */
  broken: Finding | null;
  findings: Finding[];
  /** The sealed log's head: anchor `<position>:<digest>` outside the system. */
  head: { seq: string; position: string; digest: string };
  checkpoints: { found: number; signed: number; trusted: boolean; keyId: string | null; lastSeq: string | null; notes: string[] };
  anchorChecked: boolean;
  proof: ConsistencyProof | null;
  timeToleranceSeconds: number;
}

/** The digest of an empty log (no entries sealed yet). */
export const EMPTY_DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_FINDINGS = 100;

type LogRow = [seq: string, position: string, txid: string, eventHash: string, logHash: string, caseNumber: string | null];
type EventRow = [
  txid: string, position: string, hash: string | null, prevHash: string | null, eventId: string, streamId: string, streamVersion: number, type: string,
  schemaVersion: number, occurredMs: number, recordedMs: number, actorId: string, actorRole: string, projectId: string,
  correlationId: string, causationId: string | null, commandId: string | null, caseNumber: string | null, data: unknown,
];
interface Envelope { eventId: string; streamId: string; streamVersion: number; recordedAt: string; [k: string]: unknown }

/** A free-text field as SealedLog writes it: a JSON string, or `null`. Most hold no escape and need no parser. */
const text = (f: string): string | null => (f === 'null' ? null : f.indexOf('\\') < 0 ? f.slice(1, -1) : (JSON.parse(f) as string));

/**
 * One batch of SealedLog.readLog / readEvents: a line per row, `fields` tab-separated fields each (the event's data
 * last, parsed as JSON). A line of another shape means the text was not what the read wrote: refused, not guessed.
 */
export function parseWalkRows(rowsText: string, stream: 'log' | 'events'): (LogRow | EventRow)[] {
  const rows: (LogRow | EventRow)[] = [];
  const fields = stream === 'log' ? 6 : 19;
  let i = 0;
  while (i < rowsText.length) {
    let end = rowsText.indexOf('\n', i);
    if (end < 0) end = rowsText.length;
    const f: string[] = [];
    let k = i;
    for (let n = 1; n < fields; n++) {
      const tab = rowsText.indexOf('\t', k);
      if (tab < 0 || tab > end) throw new Error(`verify: a ${stream} row has fewer than ${fields} fields: ${rowsText.slice(i, Math.min(end, i + 200))}`);
      f.push(rowsText.slice(k, tab));
      k = tab + 1;
    }
    const last = rowsText.slice(k, end);
    if (last.includes('\t')) throw new Error(`verify: a ${stream} row has more than ${fields} fields: ${rowsText.slice(i, Math.min(end, i + 200))}`);
    if (stream === 'log') rows.push([f[0], f[1], f[2], text(f[3]) ?? '', text(f[4]) ?? '', text(last)] as LogRow);
    else {
      rows.push([f[0], f[1], text(f[2]), text(f[3]), f[4], text(f[5])!, Number(f[6]), text(f[7])!, Number(f[8]), Number(f[9]), Number(f[10]),
        text(f[11])!, text(f[12])!, text(f[13])!, text(f[14])!, text(f[15]), text(f[16]), text(f[17]), JSON.parse(last)] as EventRow);
    }
    i = end + 1;
  }
  return rows;
}

const envelopeOf = (r: EventRow): Envelope => ({
  eventId: r[4], streamId: r[5], streamVersion: r[6], type: r[7], schemaVersion: r[8], data: r[18],
  occurredAt: new Date(r[9]).toISOString(), recordedAt: new Date(r[10]).toISOString(), actor: { staffId: r[11], role: r[12] },
  projectId: r[13], correlationId: r[14], causationId: r[15], commandId: r[16] ?? undefined,
});
/** One event row's text, parsed by the general reader. */
function parseEventRow(rowText: string): EventRow {
  const [row] = parseWalkRows(rowText, 'events');
  if (!row) throw new Error('verify: an events row has fewer than 19 fields: (empty line)');
  return row as EventRow;
}
const eventRowOf = (e: EventRec): EventRow => parseEventRow(e.batch.toString('utf8', e.start, e.end));
/** The general reading of an event row (walk-bytes.ts reads most rows faster): parsed, envelope built, hashed. */
function generalEventRec(batch: Buffer, start: number, end: number): EventRec {
  const row = parseEventRow(batch.toString('utf8', start, end));
  const [txid, position, hash, prevHash] = row;
  return {
    txid, position, hash: hash === null ? null : byteFormOf(hash), prevHash: prevHash === null ? null : byteFormOf(prevHash), stream: byteFormOf(row[5]),
    caseNumber: row[17] === null ? null : byteFormOf(row[17]), version: row[6], recordedMs: row[10], contentOk: hash === chainHash(prevHash, envelopeOf(row) as never), batch, start, end,
  };
}
const sameCheckpoint = (a: LogCheckpoint, b: LogCheckpoint) =>
  a.seq === b.seq && a.position === b.position && a.logHash === b.logHash && a.sealedAt === b.sealedAt && a.signature === b.signature && a.keyId === b.keyId;
/** Decimal texts without leading zeros (PostgreSQL's output) compare as numbers: by length, then by digits. */
const less = (a: string, b: string) => a.length < b.length || (a.length === b.length && a < b);
/** (transaction id, position) order, the global order every reader and the sealer use. */
const before = (aTxid: string, aPosition: string, bTxid: string, bPosition: string) =>
  less(aTxid, bTxid) || (aTxid === bTxid && less(aPosition, bPosition));

/**
 * Checks the store in one pass over the global order: every event against its stream's chain, every sealed entry
 * against the global log chain, the chain against the signed checkpoints (in the store and in their folder outside
 * it), recorded times along the order, and an outside anchor. Pure CPU work fed in batches: it runs in a worker.
 */
export class Verifier {
  private readonly streams = new Map<string, { version: number; hash: string }>();
  private readonly findings: (Finding & { order: number })[] = [];
  private readonly key: KeyObject | null;
  private readonly trusted: LogCheckpoint[];
  private readonly bySeq = new Map<string, LogCheckpoint>();
  private readonly folder: CheckpointFolder | null;
  private readonly notes: string[] = [];
  private events = 0;
  private sealed = 0;
  private unsealed = 0;
  private seq = 0n;
  private position = '0';
  private digest: string | null = null;
  private maxRecorded = { ms: -Infinity, position: '0' };
  private cpIndex = 0;
  private file: { from: bigint; entries: CheckpointFile['entries']; cp: LogCheckpoint; previous: LogCheckpoint | undefined; chains: boolean | null } | null = null;
  private fileTo = 0n;
  private fileIndex = 0;
  private readonly trustedSeqs: bigint[];
  private readonly trustedSealedMs: number[];
  private anchorSeq: string | null = null;
  private anchorDigest: string | null = null;
  private checkpointsAfterAnchor = 0;

  constructor(private readonly input: VerifyInput) {
    this.key = input.publicKeyPem ? createPublicKey(input.publicKeyPem) : null;
    this.folder = input.checkpointDir ? new CheckpointFolder(input.checkpointDir) : null;
    this.trusted = this.mergeCheckpoints(input.storeCheckpoints, this.folder?.list() ?? []);
    for (const c of this.trusted) this.bySeq.set(c.seq, c);
    this.trustedSeqs = this.trusted.map((c) => BigInt(c.seq));
    this.trustedSealedMs = this.trusted.map((c) => Date.parse(c.sealedAt));
  }

  private find(order: number, f: Finding): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push({ ...f, order });
  }

  /** Store and folder copies by seq; with a key only those whose signature holds are trusted, the rest are findings. */
  private mergeCheckpoints(store: LogCheckpoint[], folder: LogCheckpoint[]): LogCheckpoint[] {
    const all = new Map<string, { store?: LogCheckpoint; folder?: LogCheckpoint }>();
    for (const c of store) all.set(c.seq, { ...all.get(c.seq), store: c });
    for (const c of folder) all.set(c.seq, { ...all.get(c.seq), folder: c });
    const trusted: LogCheckpoint[] = [];
    const at = (c: LogCheckpoint, problem: string): Finding => ({ kind: 'checkpoint', position: c.position, seq: c.seq, eventId: '', streamId: '', streamVersion: 0, problem });
    for (const [seq, copies] of [...all].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1))) {
      const candidates = [copies.folder, copies.store].filter((c): c is LogCheckpoint => !!c);
      if (!this.key) {
        trusted.push(candidates[0]);
        continue;
      }
      // A folder copy identical to the store's holds or fails with it: one signature check for both.
      const same = candidates.length === 2 && sameCheckpoint(candidates[0], candidates[1]);
      const good = same ? (signatureHolds(candidates[0], this.key) ? candidates : []) : candidates.filter((c) => signatureHolds(c, this.key!));
      for (const c of candidates.filter((x) => !good.includes(x))) {
        this.find(Number(seq), at(c, `checkpoint #${seq} ${c === copies.folder ? 'in the checkpoint folder' : 'in the store'} ${c.signature ? 'has a signature that does not verify with the trusted key (forged or altered checkpoint)' : 'is unsigned'}`));
      }
      if (good.length) trusted.push(good[0]);
      if (good.length === 2 && JSON.stringify(good[0]) !== JSON.stringify(good[1])) this.find(Number(seq), at(good[1], `two different checkpoints #${seq} both signed by the trusted key (the key is exposed)`));
    }
    if (!this.key && trusted.length) this.notes.push('no trusted public key configured (SL_CHECKPOINT_PUBLIC_KEY): checkpoint signatures were not checked');
    if (!this.folder) this.notes.push('no checkpoint folder configured (SL_CHECKPOINT_DIR): only the checkpoints in the store were used');
    return trusted;
  }

  private logQueue: LogRow[] = [];
  private eventQueue: EventRec[] = [];
  private logDone = false;
  private eventsDone = false;

  /** One batch of one stream (SealedLog.readLog / readEvents), `done` on its last; merges as far as both allow. */
  feed(stream: 'log' | 'events', batch: string | Uint8Array, done: boolean): void {
    const { bytes, text } = batchOf(batch, stream);
    if (stream === 'log') {
      // Byte-form text (walk-bytes.ts): the log's hashes are compared with the events' and chained as bytes.
      const rows = parseWalkRows(text, 'log') as LogRow[];
      this.logQueue = this.logQueue.length ? this.logQueue.concat(rows) : rows;
      this.logDone = done;
    } else {
      const rows = readEventRecs(bytes, text, generalEventRec);
      this.eventQueue = this.eventQueue.length ? this.eventQueue.concat(rows) : rows;
      this.eventsDone = done;
    }
    const logs = this.logQueue;
    const events = this.eventQueue;
    let li = 0;
    let ei = 0;
    for (;;) {
      const l = logs[li];
      const e = events[ei];
      if ((!l && !this.logDone) || (!e && !this.eventsDone) || (!l && !e)) break;
      if (l && e && l[2] === e.txid && l[1] === e.position) {
        this.sealedRow(l, e);
        li += 1;
        ei += 1;
      } else if (l && (!e || before(l[2], l[1], e.txid, e.position))) {
        this.sealedRow(l, null);
        li += 1;
      } else {
        this.eventOnly(e);
        ei += 1;
      }
    }
    this.logQueue = li ? logs.slice(li) : logs;
    this.eventQueue = ei ? events.slice(ei) : events;
  }

  /** A finding about an event or a log entry; the event's envelope is read again only here. */
  private at(order: number, kind: FindingKind, position: string, seq: string | null, event: EventRec | null, problem: string): void {
    if (this.findings.length >= MAX_FINDINGS) return;
    const e = event && envelopeOf(eventRowOf(event));
    this.find(order, { kind, position, seq, eventId: e?.eventId ?? '', streamId: e?.streamId ?? '', streamVersion: e?.streamVersion ?? 0, problem });
  }

  private sealedRow(row: LogRow, event: EventRec | null): void {
    const [seqText, position, , logEventHash, storedLogHash, sealedCase] = row;
    const seq = BigInt(seqText);
    const order = Number(seq);
    if (seq !== this.seq + 1n) this.at(order, 'log', position, seqText, event, `log entry #${seq} follows #${this.seq}: entries #${this.seq + 1n}–#${seq - 1n} were deleted`);
    this.seq = seq;
    this.sealed += 1;
    this.position = position;
    // logHash (canonical.ts) over the bytes the texts stand for; the entry's case number column says which rule.
    const entry = `${this.digest ?? ''}\n${seq}\n${position}\n${logEventHash}`;
    this.digest = hashByteForm(sealedCase === null ? entry : `${entry}\n${sealedCase}`);
    if (storedLogHash !== this.digest) this.at(order, 'log', position, seqText, event, `log entry #${seq}'s stored digest does not follow from the entries before it (the log was edited)`);
    this.checkFile(seq, position, logEventHash, sealedCase);
    if (!event) this.at(order, 'log', position, seqText, null, `log entry #${seq} names position ${position}, which is no longer in the store at its place in the global order (the event was deleted or moved)`);
    else {
      if (event.hash !== logEventHash) this.at(order, 'event', position, seqText, event, `the event at position ${position} is not the one sealed as #${seq} (rewritten or replaced after sealing)`);
      else if (sealedCase !== null && (event.caseNumber ?? '') !== sealedCase) {
        this.at(order, 'event', position, seqText, event, `the event at position ${position} has case number ${textOf(event.caseNumber ?? '') || '(none)'}, but ${textOf(sealedCase) || '(none)'} was sealed with it as #${seq} (the number was changed after sealing)`);
      }
      this.checkEvent(event, order, seq, seqText);
    }
    const cp = this.bySeq.get(seqText);
    if (cp) this.checkCheckpoint(cp, order, seqText, event);
    if (this.input.anchor && position === this.input.anchor.position) {
      this.anchorSeq = seqText;
      this.anchorDigest = this.digest;
      if (this.digest !== this.input.anchor.digest) this.at(order, 'anchor', position, seqText, event, `the log's digest at position ${position} (#${seq}) differs from the anchor: history up to it was rewritten`);
    }
  }

  /** An event the log does not hold here: the unsealed tail, or (before the sealed head) one slipped in or moved. */
  private eventOnly(event: EventRec): void {
    const position = event.position;
    const head = this.input.sealedHead;
    const behind = head && !before(head.transactionId, head.position, event.txid, position);
    const order = behind ? Number(this.seq) + 0.5 : 2 ** 52 + this.unsealed;
    if (behind) {
      this.at(order, 'log', position, null, event, `event at position ${position} sits before the sealed head in the global order but is not in the sealed log there (inserted behind the sealer, or moved)`);
    } else this.unsealed += 1;
    this.checkEvent(event, order, null, null);
  }

  /** The per-stream chain (content hash, previous link, version) and time sanity. */
  private checkEvent(e: EventRec, order: number, seq: bigint | null, seqText: string | null): void {
    const position = e.position;
    this.events += 1;
    const previous = this.streams.get(e.stream);
    const expectedVersion = (previous?.version ?? 0) + 1;
    if (e.version !== expectedVersion) this.at(order, 'stream', position, seqText, e, `stream version ${e.version} where ${expectedVersion} was expected (an event is missing, inserted or reordered)`);
    else if (e.prevHash !== (previous?.hash ?? null)) this.at(order, 'stream', position, seqText, e, 'previous-hash link does not match the previous event of its stream (deleted, inserted or reordered event)');
    else if (!e.contentOk) this.at(order, 'event', position, seqText, e, 'hash does not match the event’s content (the event was altered)');
    // The entry is updated in place: one object per stream for the whole run.
    if (previous) {
      previous.version = e.version;
      previous.hash = e.hash ?? '';
    } else this.streams.set(ownCopy(e.stream), { version: e.version, hash: e.hash ?? '' });
    const recorded = e.recordedMs;
    const tolerance = this.input.timeToleranceMs;
    if (recorded < this.maxRecorded.ms - tolerance) {
      this.at(order, 'time', position, seqText, e, `recorded at ${new Date(recorded).toISOString()}, ${Math.round((this.maxRecorded.ms - recorded) / 1000)} s before the event at position ${this.maxRecorded.position} earlier in the global order (backdated or inserted out of order; tolerance ${tolerance / 1000} s)`);
    } else if (recorded > this.maxRecorded.ms) this.maxRecorded = { ms: recorded, position };
    // A checkpoint bounds the recorded time of what it covers: those events existed when it was signed. (Events after
    // it may be older than it: the sealer can run behind the writers.)
    while (this.cpIndex < this.trusted.length && seq !== null && this.trustedSeqs[this.cpIndex] < seq) this.cpIndex += 1;
    if (seq !== null && this.cpIndex < this.trusted.length && recorded > this.trustedSealedMs[this.cpIndex] + tolerance) {
      const covering = this.trusted[this.cpIndex];
      this.at(order, 'time', position, seqText, e, `recorded at ${new Date(recorded).toISOString()}, after checkpoint #${covering.seq} that covers it was signed (${covering.sealedAt})`);
    }
  }

  private checkCheckpoint(cp: LogCheckpoint, order: number, seqText: string, event: EventRec | null): void {
    if (cp.position !== this.position || cp.logHash !== this.digest) {
      const previous = this.trusted[this.trusted.indexOf(cp) - 1];
      this.at(order, 'checkpoint', this.position, seqText, event, `the log differs from signed checkpoint #${cp.seq} (${cp.sealedAt}): an entry in #${previous ? BigInt(previous.seq) + 1n : 1n}–#${cp.seq} was changed, inserted, removed or reordered`);
    } else if (this.anchorSeq !== null) this.checkpointsAfterAnchor += 1;
  }

  /**
   * Entries listed in the folder copy of the checkpoint covering `seq`: locates a rewrite that recomputed the log.
   * Compared entry by entry as the walk passes; whether the copy chains to its signed digest (without that it is no
   * evidence) is worked out only when an entry differs: a log that matches its copies costs no second chain.
   */
  private checkFile(seq: bigint, position: string, eventHash: string, caseNumber: string | null): void {
    if (!this.folder) return;
    if (seq > this.fileTo) {
      this.file = null;
      while (this.fileIndex < this.trusted.length && this.trustedSeqs[this.fileIndex] < seq) this.fileIndex += 1;
      const cp = this.trusted[this.fileIndex];
      // Past the last checkpoint no copy exists yet; a missing copy is looked for once, not for every entry.
      this.fileTo = cp ? this.trustedSeqs[this.fileIndex] : 1n << 62n;
      const file = cp ? this.folder.read(cp.seq) : null;
      if (!file || !/^\d{1,19}$/.test(file.from) || !Array.isArray(file.entries)) return;
      this.file = { from: BigInt(file.from), entries: file.entries, cp: cp!, previous: this.trusted[this.fileIndex - 1], chains: null };
    }
    const f = this.file;
    if (!f || f.chains === false || seq < f.from) return;
    const entry = f.entries[Number(seq - f.from)];
    if (entry && entry[0] === position && (entry[1] === eventHash || entry[1] === textOf(eventHash)) && (entry[2] ?? null) === (caseNumber === null ? null : textOf(caseNumber))) return;
    if (f.chains === null) f.chains = this.fileChains(f);
    if (!f.chains) return;
    const [p, h] = entry;
    // Located at the position the signed history had here: that is where the two differ.
    this.find(Number(seq), { kind: 'log', position: p, seq: seq.toString(), eventId: '', streamId: '', streamVersion: 0, problem: `log entry #${seq} is position ${position} with event hash ${textOf(eventHash).slice(0, 12)}…, but the checkpoint copy outside the store lists position ${p} with ${h.slice(0, 12)}… (rewritten, inserted or reordered here)` });
  }

  /** The listed entries must chain from the previous checkpoint's digest to this one's, or they are not evidence. */
  private fileChains(f: NonNullable<Verifier['file']>): boolean {
    const { cp, previous } = f;
    let digest = previous && BigInt(previous.seq) + 1n === f.from ? previous.logHash : f.from === 1n ? null : undefined;
    let s = f.from;
    if (digest !== undefined) for (const [p, h, c] of f.entries) digest = logHash(digest, s++, p, h, c ?? null);
    if (digest === undefined || digest !== cp.logHash || s - 1n !== BigInt(cp.seq)) {
      this.notes.push(`checkpoint file #${cp.seq}: its entry list does not chain to its signed digest, ignored`);
      return false;
    }
    return true;
  }

  finish(heads: { stream_id: string; version: number; last_hash: string | null }[]): VerifyReport {
    const end = 2 ** 53;
    const last = this.trusted.at(-1);
    if (last && BigInt(last.seq) > this.seq) {
      this.find(Number(this.seq) + 1, { kind: 'log', position: this.position, seq: (this.seq + 1n).toString(), eventId: '', streamId: '', streamVersion: 0, problem: `the sealed log ends at #${this.seq} (position ${this.position}) but signed checkpoint #${last.seq} (${last.sealedAt}) covers up to position ${last.position}: entries #${this.seq + 1n}–#${last.seq} were deleted (truncated log)` });
    }
    // The streams table records each stream's head: a deleted last event or a deleted stream shows here too.
    for (const h of heads) {
      const seen = this.streams.get(byteFormOf(h.stream_id));
      if (!seen || seen.version !== h.version || seen.hash !== (h.last_hash === null ? null : byteFormOf(h.last_hash))) {
        this.find(end, { kind: 'stream', position: this.position, seq: null, eventId: '', streamId: h.stream_id, streamVersion: h.version, problem: `stream head is version ${h.version} but the log ends at ${seen?.version ?? 0} (events deleted from the end of the stream)` });
      }
    }
    const anchor = this.input.anchor;
    if (anchor && this.anchorSeq === null) this.find(end, { kind: 'anchor', position: anchor.position, seq: null, eventId: '', streamId: '', streamVersion: 0, problem: `anchor position ${anchor.position} is not in the sealed log (history was deleted, or the anchor predates sealing)` });
    const findings = this.findings.sort((a, b) => a.order - b.order).map(({ order: _, ...f }) => f);
    const head = { seq: this.seq.toString(), position: this.position, digest: this.digest ?? EMPTY_DIGEST };
    return {
      ok: findings.length === 0,
      events: this.events,
      streams: this.streams.size,
      sealed: this.sealed,
      unsealed: this.unsealed,
      broken: findings[0] ?? null,
      findings,
      head,
      checkpoints: { found: this.trusted.length, signed: this.trusted.filter((c) => c.signature).length, trusted: !!this.key, keyId: last?.keyId ?? null, lastSeq: last?.seq ?? null, notes: this.notes },
      anchorChecked: this.anchorSeq !== null,
      proof: anchor
        ? { anchor, anchorSeq: this.anchorSeq, recomputed: this.anchorDigest, head, checkpointsAfter: this.checkpointsAfterAnchor, onlyGrew: findings.length === 0 }
        : null,
      timeToleranceSeconds: this.input.timeToleranceMs / 1000,
    };
  }
}
