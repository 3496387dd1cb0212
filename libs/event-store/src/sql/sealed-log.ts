import { type LogCheckpoint, logHash } from '../canonical';
import type { SqlExecutor, SqlQueryable } from './executor';
import { ENVELOPE_OBJECT } from './sql-event-store';

/** The sealed log's last entry: where the sealer continues and what the latest digest is. */
export interface LogHead {
  seq: bigint;
  position: string;
  transactionId: string;
  logHash: string | null;
}

export const EMPTY_LOG: LogHead = { seq: 0n, position: '0', transactionId: '0', logHash: null };

/** One batch of the verifier's walk: rows as one JSON array text (see readSealed), decoded in the verify worker. */
export interface WalkBatch {
  /** `[row,row,…]` without the brackets; each row `[seq, position, logEventHash, logHash, hash, prevHash, envelope, txid]`. */
  rows: string;
  count: number;
  /** Rows that carry their event (a sealed entry whose event is gone carries none). */
  present: number;
  /** Paging key of the last row: the seq (sealed part) or `txid:position` (unsealed part). */
  last: string;
}

/**
 * The sealed global log (sl_log) beside the per-stream chains. Appends never touch it: concurrent writers stay
 * concurrent, and one sealer numbers the visible global log afterwards, in the order every reader sees
 * (transaction id, position) and only below the visibility horizon, so nothing can later commit behind it.
 */
export class SealedLog {
  constructor(private readonly sql: SqlExecutor) {}

  async head(on: SqlQueryable = this.sql): Promise<LogHead> {
    const rows = await on.query<{ seq: string; position: string; transaction_id: string; log_hash: string }>(
      'SELECT seq::text AS seq, position::text AS position, transaction_id::text AS transaction_id, log_hash FROM sl_log ORDER BY sl_log.seq DESC LIMIT 1',
    );
    const r = rows[0];
    return r ? { seq: BigInt(r.seq), position: r.position, transactionId: r.transaction_id, logHash: r.log_hash } : EMPTY_LOG;
  }

  /**
   * Seals up to `limit` visible events after the head, in one transaction. Two sealers racing collide on the seq key
   * and one rolls back, so the log stays one chain. Returns the entries sealed (position and event hash, in order).
   */
  async seal(limit: number): Promise<{ head: LogHead; entries: [position: string, eventHash: string][] }> {
    return this.sql.transaction(async (tx) => {
      const head = await this.head(tx);
      const events = await tx.query<{ transaction_id: string; position: string; hash: string | null }>(
        `SELECT transaction_id::text AS transaction_id, position::text AS position, hash FROM sl_events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY sl_events.transaction_id, sl_events.position LIMIT $3`,
        [head.transactionId, head.position, limit],
      );
      if (events.length === 0) return { head, entries: [] };
      let previous = head.logHash;
      let seq = head.seq;
      const cols: string[][] = [[], [], [], [], []];
      for (const e of events) {
        seq += 1n;
        const eventHash = e.hash ?? '';
        previous = logHash(previous, seq, e.position, eventHash);
        cols[0].push(seq.toString());
        cols[1].push(e.position);
        cols[2].push(e.transaction_id);
        cols[3].push(eventHash);
        cols[4].push(previous);
      }
      await tx.query(
        `INSERT INTO sl_log (seq, position, transaction_id, event_hash, log_hash)
         SELECT s::bigint, p::bigint, t::xid8, e, l FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(s, p, t, e, l)`,
        cols,
      );
      const last = events[events.length - 1];
      return {
        head: { seq, position: last.position, transactionId: last.transaction_id, logHash: previous },
        entries: events.map((e) => [e.position, e.hash ?? '']),
      };
    });
  }

  /** Entries #from–#to as (position, event hash), for the checkpoint copies outside the store. */
  async entries(from: bigint, to: bigint): Promise<[position: string, eventHash: string][]> {
    const rows = await this.sql.query<{ position: string; event_hash: string }>(
      'SELECT position::text AS position, event_hash FROM sl_log WHERE seq BETWEEN $1::bigint AND $2::bigint ORDER BY sl_log.seq',
      [from.toString(), to.toString()],
    );
    return rows.map((r) => [r.position, r.event_hash]);
  }

  async checkpoints(): Promise<LogCheckpoint[]> {
    const rows = await this.sql.query<{ seq: string; position: string; log_hash: string; sealed_at: string; signature: string | null; key_id: string | null }>(
      'SELECT seq::text AS seq, position::text AS position, log_hash, sealed_at, signature, key_id FROM sl_log_checkpoints ORDER BY sl_log_checkpoints.seq',
    );
    return rows.map((r) => ({ seq: r.seq, position: r.position, logHash: r.log_hash, sealedAt: r.sealed_at, signature: r.signature, keyId: r.key_id }));
  }

  async addCheckpoint(c: LogCheckpoint): Promise<void> {
    await this.sql.query(
      'INSERT INTO sl_log_checkpoints (seq, position, log_hash, sealed_at, signature, key_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING',
      [c.seq, c.position, c.logHash, c.sealedAt, c.signature, c.keyId],
    );
  }

  /**
   * The verifier's walk, part one: sealed entries after `afterSeq` in seq order, each with its event (null when the
   * event is gone). Aggregated into one text per batch: the calling thread passes it to the verify worker untouched.
   */
  async readSealed(afterSeq: bigint, limit: number): Promise<WalkBatch> {
    const rows = await this.sql.query<{ last: string | null; n: number; present: number; rows: string | null }>(
      `SELECT max(seq)::text AS last, count(*)::int AS n, count(e)::int AS present, string_agg(row, ',' ORDER BY seq) AS rows FROM (
         SELECT l.seq, event_id AS e, json_build_array(l.seq::text, l.lpos::text, l.event_hash, l.log_hash, hash, prev_hash,
           CASE WHEN event_id IS NULL THEN NULL ELSE ${ENVELOPE_OBJECT} END)::text AS row
         FROM (SELECT seq, position AS lpos, event_hash, log_hash FROM sl_log WHERE seq > $1::bigint ORDER BY seq LIMIT $2) l
         LEFT JOIN sl_events ON sl_events.position = l.lpos) x`,
      [afterSeq.toString(), limit],
    );
    const r = rows[0];
    return { rows: r?.rows ?? '', count: r?.n ?? 0, present: r?.present ?? 0, last: r?.last ?? afterSeq.toString() };
  }

  /**
   * Part two: events the log does not hold, in global order after `after` (txid:position). The unsealed tail, and
   * anything slipped in behind the sealer (the verifier tells the two apart by the sealed head's pair).
   */
  async readUnsealed(after: string, limit: number): Promise<WalkBatch> {
    const [txid, position] = after.split(':');
    const rows = await this.sql.query<{ last: string | null; n: number; rows: string | null }>(
      `SELECT (array_agg(k ORDER BY t DESC, p DESC))[1] AS last, count(*)::int AS n, string_agg(row, ',' ORDER BY t, p) AS rows FROM (
         SELECT transaction_id AS t, position AS p, transaction_id::text || ':' || position::text AS k,
           json_build_array(NULL, position::text, NULL, NULL, hash, prev_hash, ${ENVELOPE_OBJECT}, transaction_id::text)::text AS row
         FROM sl_events WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
           AND NOT EXISTS (SELECT 1 FROM sl_log WHERE sl_log.position = sl_events.position)
         ORDER BY sl_events.transaction_id, sl_events.position LIMIT $3) x`,
      [txid, position, limit],
    );
    const r = rows[0];
    return { rows: r?.rows ?? '', count: r?.n ?? 0, present: r?.n ?? 0, last: r?.last ?? after };
  }

  /** Events with positions in (from, to]: summed over ranges, a count that never holds the database for long. */
  async countRange(from: bigint, to: bigint): Promise<number> {
    const [r] = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM sl_events WHERE position > $1::bigint AND position <= $2::bigint', [from.toString(), to.toString()]);
    return r.n;
  }

  async maxPosition(): Promise<bigint> {
    const [r] = await this.sql.query<{ p: string | null }>('SELECT max(position)::text AS p FROM sl_events');
    return BigInt(r.p ?? '0');
  }

  /**
   * Events in positions (from, to] the log does not hold though they sit at or before its head in the global order
   * (`head` txid:position), as walk rows (see readUnsealed): looked for only when counts differ.
   */
  async readBehind(from: bigint, to: bigint, head: string): Promise<WalkBatch> {
    const [txid, position] = head.split(':');
    const rows = await this.sql.query<{ n: number; rows: string | null }>(
      `SELECT count(*)::int AS n, string_agg(row, ',' ORDER BY t, p) AS rows FROM (
         SELECT transaction_id AS t, position AS p,
           json_build_array(NULL, position::text, NULL, NULL, hash, prev_hash, ${ENVELOPE_OBJECT}, transaction_id::text)::text AS row
         FROM sl_events WHERE position > $1::bigint AND position <= $2::bigint AND (transaction_id, position) <= ($3::text::xid8, $4::bigint)
           AND NOT EXISTS (SELECT 1 FROM sl_log WHERE sl_log.position = sl_events.position)) x`,
      [from.toString(), to.toString(), txid, position],
    );
    return { rows: rows[0]?.rows ?? '', count: rows[0]?.n ?? 0, present: rows[0]?.n ?? 0, last: to.toString() };
  }

  async streamHeads(): Promise<{ stream_id: string; version: number; last_hash: string | null }[]> {
    return this.sql.query('SELECT stream_id, version, last_hash FROM sl_streams ORDER BY stream_id');
  }
}
