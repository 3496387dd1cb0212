import { createHash } from 'node:crypto';
import { chainHash, type SqlEventStore } from '@service-ledger/event-store';

export interface BrokenLink {
  position: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  /** First broken link in global order, if any. */
  broken: BrokenLink | null;
  /**
   * Digest over every event hash in position order: anchor it outside the system (it is printed in each monthly
   * export) and a later `verify --anchor` proves nothing before that position was deleted or rewritten.
   */
  head: { position: string; digest: string };
  anchorChecked: boolean;
}

/**
 * Walks the whole store in position order and checks every link: each event's hash over its canonical form and the
 * previous event of its stream, versions without gaps, and the streams table's last hash. Detects edited, deleted,
 * reordered and inserted events, naming the first one that breaks.
 */
export async function verifyStore(store: SqlEventStore, options: { anchor?: { position: string; digest: string }; batchSize?: number } = {}): Promise<VerifyReport> {
  const last = new Map<string, { version: number; hash: string }>();
  let after = 0n;
  let events = 0;
  let broken: BrokenLink | null = null;
  let digest = createHash('sha256').digest('hex');
  let anchorChecked = false;
  const fail = (e: { envelope: { globalPosition: bigint; eventId: string; streamId: string; streamVersion: number } }, problem: string) => {
    broken ??= { position: e.envelope.globalPosition.toString(), eventId: e.envelope.eventId, streamId: e.envelope.streamId, streamVersion: e.envelope.streamVersion, problem };
  };
  for (;;) {
    const rows = await store.readRawAll(after, options.batchSize ?? 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      const e = row.envelope;
      events += 1;
      const previous = last.get(e.streamId);
      const expectedVersion = (previous?.version ?? 0) + 1;
      const expectedPrev = previous?.hash ?? null;
      if (e.streamVersion !== expectedVersion) fail(row, `stream version ${e.streamVersion} where ${expectedVersion} was expected (an event is missing, inserted or reordered)`);
      else if ((row.prevHash ?? null) !== expectedPrev) fail(row, 'previous-hash link does not match the previous event of its stream (deleted, inserted or reordered event)');
      else if (row.hash !== chainHash(row.prevHash ?? null, e)) fail(row, 'hash does not match the event’s content (the event was altered)');
      last.set(e.streamId, { version: e.streamVersion, hash: row.hash ?? '' });
      digest = createHash('sha256').update(digest).update(row.hash ?? '').digest('hex');
      if (options.anchor && e.globalPosition.toString() === options.anchor.position) {
        anchorChecked = true;
        if (digest !== options.anchor.digest) fail(row, `global digest at position ${options.anchor.position} differs from the anchor (history before it was rewritten or deleted)`);
      }
      after = e.globalPosition;
    }
  }
  // The streams table records each stream's head: a deleted last event or a deleted stream shows here.
  const heads = await store.sql.query<{ stream_id: string; version: number; last_hash: string | null }>('SELECT stream_id, version, last_hash FROM sl_streams ORDER BY stream_id');
  for (const h of heads) {
    const seen = last.get(h.stream_id);
    if (!broken && (!seen || seen.version !== h.version || seen.hash !== h.last_hash)) {
      broken = { position: after.toString(), eventId: '', streamId: h.stream_id, streamVersion: h.version, problem: `stream head is version ${h.version} but the log ends at ${seen?.version ?? 0} (events deleted from the end of the stream)` };
    }
  }
  if (options.anchor && !anchorChecked && !broken) {
    broken = { position: options.anchor.position, eventId: '', streamId: '', streamVersion: 0, problem: `anchor position ${options.anchor.position} is not in the log (history was deleted)` };
  }
  return { ok: broken === null, events, streams: last.size, broken, head: { position: after.toString(), digest }, anchorChecked };
}
