import { type LogCheckpoint, logHash } from '../canonical';
import type { SqlExecutor, SqlQueryable } from './executor';

/** The sealed log's last entry: where the sealer continues and what the latest digest is. */
export interface LogHead {
  seq: bigint;
  position: string;
  transactionId: string;
  logHash: string | null;
}

export const EMPTY_LOG: LogHead = { seq: 0n, position: '0', transactionId: '0', logHash: null };

/** One sealed entry as the checkpoint copies list it; the case number only on entries whose digest chains one. */
export type LogEntry = [position: string, eventHash: string] | [position: string, eventHash: string, caseNumber: string];

/** One batch of the verifier's walk, decoded in the verify worker. */
export interface WalkBatch {
  /**
   * One line per row, tab-separated fields (see readLog, readEvents): UTF-8 bytes where the engine can hand them over
   * undecoded (PGlite; transferred to the worker, which decodes), else text.
   */
  rows: string | Uint8Array;
  count: number;
  /** Paging key of the last row: the seq (log) or `txid:position` (events). */
  last: string;
  /** The last row's place in the global order (transaction id, position), when the batch has rows. */
  key: [txid: string, position: string] | null;
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
   * and one rolls back, so the log stays one chain. Returns the entries sealed (position, event hash and case number,
   * in order). The case number is sealed as the event has it now ('' for none): appends set it in their own
   * transaction, and the sealer only reads below the visibility horizon.
   */
  async seal(limit: number): Promise<{ head: LogHead; entries: LogEntry[] }> {
    return this.sql.transaction(async (tx) => {
      const head = await this.head(tx);
      const events = await tx.query<{ transaction_id: string; position: string; hash: string | null; case_number: string | null }>(
        `SELECT transaction_id::text AS transaction_id, position::text AS position, hash, case_number FROM sl_events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY sl_events.transaction_id, sl_events.position LIMIT $3`,
        [head.transactionId, head.position, limit],
      );
      if (events.length === 0) return { head, entries: [] };
      let previous = head.logHash;
      let seq = head.seq;
      const cols: string[][] = [[], [], [], [], [], []];
      for (const e of events) {
        seq += 1n;
        const eventHash = e.hash ?? '';
        const caseNumber = e.case_number ?? '';
        previous = logHash(previous, seq, e.position, eventHash, caseNumber);
        cols[0].push(seq.toString());
        cols[1].push(e.position);
        cols[2].push(e.transaction_id);
        cols[3].push(eventHash);
        cols[4].push(previous);
        cols[5].push(caseNumber);
      }
      await tx.query(
        `INSERT INTO sl_log (seq, position, transaction_id, event_hash, log_hash, case_number)
         SELECT s::bigint, p::bigint, t::xid8, e, l, c FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(s, p, t, e, l, c)`,
        cols,
      );
      const last = events[events.length - 1];
      return {
        head: { seq, position: last.position, transactionId: last.transaction_id, logHash: previous },
        entries: events.map((e) => [e.position, e.hash ?? '', e.case_number ?? '']),
      };
    });
  }

  /** Entries #from–#to as (position, event hash[, case number]), for the checkpoint copies outside the store. */
  async entries(from: bigint, to: bigint): Promise<LogEntry[]> {
    const rows = await this.sql.query<{ position: string; event_hash: string; case_number: string | null }>(
      'SELECT position::text AS position, event_hash, case_number FROM sl_log WHERE seq BETWEEN $1::bigint AND $2::bigint ORDER BY sl_log.seq',
      [from.toString(), to.toString()],
    );
    return rows.map((r) => (r.case_number === null ? [r.position, r.event_hash] : [r.position, r.event_hash, r.case_number]));
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
   * The verifier's walk reads two sorted streams and the worker merges them on (transaction id, position): the log
   * entries in seq order, and every stored event in global order. Two narrow index walks cost half of a join, and
   * an event the log does not hold (or a log entry whose event is gone or moved) shows where the two part.
   * Each batch is one text that this thread hands to the worker untouched: one line per row, fields separated by tabs
   * (parseWalkRows). Numbers, transaction ids and uuids go as they are; every free text goes as a JSON string (or
   * `null`), so no tab or newline inside a value can shift a field; the event's data is jsonb's own text, which never
   * holds a raw tab or newline. Tab-separated text costs a third less to build than a JSON array per row and the
   * worker parses only the data as JSON. The aggregates take the rows in the ordered subquery's order (PostgreSQL
   * feeds them as the subquery returns them; an ORDER BY inside string_agg would sort every batch again).
   * Log rows: `seq, position, txid, eventHash, logHash, caseNumber` (null on entries sealed without one).
   */
  async readLog(afterSeq: bigint, limit: number): Promise<WalkBatch> {
    const batch = await this.walk(
      `SELECT count(*)::int AS n, string_agg(row, E'\\n') AS rows FROM (
         SELECT concat_ws(E'\\t', seq, position, transaction_id, to_json(event_hash), to_json(log_hash), coalesce(to_json(case_number)::text, 'null')) AS row
         FROM sl_log WHERE seq > $1::bigint ORDER BY sl_log.seq LIMIT $2) x`,
      [afterSeq.toString(), limit],
    );
    return { rows: batch.rows, count: batch.count, last: batch.count ? batch.tail[0] : afterSeq.toString(), key: batch.count ? [batch.tail[2], batch.tail[1]] : null };
  }

  /**
   * Event rows in global order after `after` (txid:position), every committed one (no visibility horizon: verify
   * checks what is stored): `txid, position, hash, prevHash, eventId, streamId, streamVersion, type, schemaVersion,
   * occurredAt ms, recordedAt ms, actorId, actorRole, projectId, correlationId, causationId, commandId, caseNumber, data`.
   */
  async readEvents(after: string, limit: number): Promise<WalkBatch> {
    const [txid, position] = after.split(':');
    const batch = await this.walk(
      `SELECT count(*)::int AS n, string_agg(row, E'\\n') AS rows FROM (
         SELECT concat_ws(E'\\t', transaction_id, position, coalesce(to_json(hash)::text, 'null'), coalesce(to_json(prev_hash)::text, 'null'),
             event_id, to_json(stream_id), stream_version, to_json(type), schema_version,
             round(date_part('epoch', occurred_at) * 1000)::bigint, round(date_part('epoch', recorded_at) * 1000)::bigint,
             to_json(actor_id), to_json(actor_role), to_json(project_id), to_json(correlation_id),
             coalesce(to_json(causation_id)::text, 'null'), coalesce(to_json(command_id)::text, 'null'), coalesce(to_json(case_number)::text, 'null'), data) AS row
         FROM sl_events WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
         ORDER BY sl_events.transaction_id, sl_events.position LIMIT $3) x`,
      [txid, position, limit],
    );
    return { rows: batch.rows, count: batch.count, last: batch.count ? `${batch.tail[0]}:${batch.tail[1]}` : after, key: batch.count ? [batch.tail[0], batch.tail[1]] : null };
  }

  /** One walk batch (`n`, `rows`) and the first fields of its last row, the next batch's paging key. */
  private async walk(sql: string, params: unknown[]): Promise<{ rows: string | Uint8Array; count: number; tail: string[] }> {
    if (this.sql.queryBytes) {
      const [n, bytes] = (await this.sql.queryBytes(sql, params)) ?? [null, null];
      const count = n ? Number(new TextDecoder().decode(n)) : 0;
      if (!bytes || !count) return { rows: '', count: 0, tail: [] };
      const tail = new TextDecoder().decode(bytes.subarray(bytes.lastIndexOf(0x0a) + 1, Math.min(bytes.length, bytes.lastIndexOf(0x0a) + 200)));
      return { rows: bytes, count, tail: tail.split('\t', 3) };
    }
    const rows = await this.sql.query<{ n: number; rows: string | null }>(sql, params);
    const text = rows[0]?.rows ?? '';
    return { rows: text, count: text ? rows[0].n : 0, tail: text.slice(text.lastIndexOf('\n') + 1).split('\t', 3) };
  }

  async streamHeads(): Promise<{ stream_id: string; version: number; last_hash: string | null }[]> {
    return this.sql.query('SELECT stream_id, version, last_hash FROM sl_streams ORDER BY stream_id');
  }
}
