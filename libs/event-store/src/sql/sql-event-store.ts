import {
  type EventEnvelope,
  type ExpectedVersion,
  type NewEvent,
  newId,
  WrongExpectedVersionError,
} from '@service-ledger/core';
import { canonicalJson, chainHash } from '../canonical';
import type {
  AppendResult,
  EventStore,
  GlobalCheckpoint,
  ReadAllBatch,
  ReadAllOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { START } from '../event-store.port';
import { PollingSubscription } from '../polling-subscription';
import type { SerializedBatch, SerializedEvent } from '../serialized';
import { noUpcasters, type Upcasters } from '../upcasters';
import type { SqlExecutor, SqlQueryable } from './executor';
import { SCHEMA_SQL } from './schema';

interface EventRow {
  position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  occurred_at: Date | string;
  recorded_at: Date | string;
  actor_id: string;
  actor_role: string;
  project_id: string;
  correlation_id: string;
  causation_id: string | null;
  command_id: string | null;
  hash: string | null;
  prev_hash: string | null;
  case_number: string | null;
}

const EVENT_COLUMNS =
  'event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, causation_id, command_id, hash, prev_hash';
/** Explicit types: inside VALUES of an INSERT … SELECT, parameters would otherwise be text. */
const EVENT_PARAM_TYPES = ['uuid', 'text', 'int', 'text', 'int', 'jsonb', 'timestamptz', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];

// Aliases shadow the real columns in ORDER BY, so every ORDER BY names sl_events.<column> explicitly.
const COLUMNS =
  'position::text AS position, transaction_id::text AS transaction_id, event_id::text AS event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, causation_id, command_id, hash, prev_hash, case_number';

/**
 * The next number of a case-number series ($1), as case-number.ts formats it. Upsert on the counter row: concurrent
 * creators in one series queue on that row, and a rolled-back append takes its increment with it (no gaps).
 */
const NEXT_CASE_NUMBER = (series: string, from = '') => `INSERT INTO sl_case_counters (series, last_seq) SELECT ${series}, 1 ${from}
    ON CONFLICT (series) DO UPDATE SET last_seq = sl_case_counters.last_seq + 1
    RETURNING series || '-' || lpad(last_seq::text, greatest(4, length(last_seq::text)), '0') AS case_number`;

/** `($1::uuid,…),(…)` for `count` events, 16 typed parameters each. */
function valuesList(count: number): string {
  return Array.from({ length: count }, (_, i) => `(${EVENT_PARAM_TYPES.map((t, k) => `$${i * 16 + k + 1}::${t}`).join(',')})`).join(',');
}

const optimisticSql = new Map<string, string>();
/**
 * One statement: unless the command id is already stored, move the stream head if it is still where the caller thinks
 * and insert the events only then. Parameters after the events' own: stream id, new version, new last hash, command
 * id, and for an existing stream the expected version and last hash. A new stream's head is a plain INSERT (an
 * existing one fails on the key); an existing one a guarded UPDATE, cheaper than an upsert. One text per event count
 * and kind, so they stay prepared.
 */
function optimisticAppendSql(count: number, newStream: boolean): string {
  const key = `${count}:${newStream}`;
  let sql = optimisticSql.get(key);
  if (sql) return sql;
  const n = count * 16;
  // A new stream may ask for a case number ($n+5, null = none): numbered only once the head row went in.
  const numbered = newStream ? `, numbered AS (${NEXT_CASE_NUMBER(`$${n + 5}::text`, `FROM head WHERE $${n + 5}::text IS NOT NULL`)})` : '';
  const head = newStream
    ? `INSERT INTO sl_streams (stream_id, version, last_hash) SELECT $${n + 1}::text, $${n + 2}::int, $${n + 3}::text FROM fresh RETURNING 1`
    : `UPDATE sl_streams SET version = $${n + 2}::int, last_hash = $${n + 3}::text
        WHERE stream_id = $${n + 1}::text AND version = $${n + 5}::int AND last_hash IS NOT DISTINCT FROM $${n + 6}::text
          AND EXISTS (SELECT 1 FROM fresh)
        RETURNING 1`;
  sql = `WITH fresh AS (
      SELECT 1 WHERE $${n + 4}::text IS NULL OR NOT EXISTS (SELECT 1 FROM sl_events WHERE command_id = $${n + 4}::text)),
    head AS (${head})${numbered}
    INSERT INTO sl_events (${EVENT_COLUMNS}${newStream ? ', case_number' : ''})
    SELECT *${newStream ? ', CASE WHEN v.stream_version = 1 THEN (SELECT case_number FROM numbered) END' : ''}
    FROM (VALUES ${valuesList(count)}) AS v(${EVENT_COLUMNS}) WHERE EXISTS (SELECT 1 FROM head)
    RETURNING position::text AS position, case_number`;
  optimisticSql.set(key, sql);
  return sql;
}

/**
 * The global log after a checkpoint ($1 txid, $2 position, $3 limit), in commit order: only transactions older than
 * every running one, so a reader never passes an event that commits later with a smaller position. Planned per call,
 * not prepared: the plan must walk sl_events_global in order and stop at the limit, and a generic plan (limit
 * unknown) may instead sort everything after the checkpoint for every batch.
 */
const AFTER_CHECKPOINT = `WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY sl_events.transaction_id, sl_events.position
  LIMIT $3`;

/** ISO-8601 in UTC with milliseconds, exactly as Date.prototype.toISOString writes it. */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const ENVELOPE_FIELDS = `'eventId', event_id, 'streamId', stream_id, 'streamVersion', stream_version, 'globalPosition', position::text,
  'type', type, 'schemaVersion', schema_version, 'data', data, 'occurredAt', ${isoText('occurred_at')}, 'recordedAt', ${isoText('recorded_at')},
  'actor', json_build_object('staffId', actor_id, 'role', actor_role), 'projectId', project_id, 'correlationId', correlation_id,
  'causationId', causation_id`;
/** The envelope as serializeEnvelope writes it; commandId only when there is one, as toEnvelope does. */
// The case number travels in the envelope only when the case has one (cases created before numbering have none).
export const ENVELOPE_OBJECT = `(CASE WHEN case_number IS NULL THEN (CASE WHEN command_id IS NULL THEN json_build_object(${ENVELOPE_FIELDS})
          ELSE json_build_object(${ENVELOPE_FIELDS}, 'commandId', command_id) END)
        WHEN command_id IS NULL THEN json_build_object(${ENVELOPE_FIELDS}, 'caseNumber', case_number)
        ELSE json_build_object(${ENVELOPE_FIELDS}, 'commandId', command_id, 'caseNumber', case_number) END)`;
const ENVELOPE_JSON = `${ENVELOPE_OBJECT}::text`;
/**
 * Two columns per event: the routing fields (and the checkpoint's transaction id) as a small JSON array, and the
 * envelope's text. Drivers pay per column decoded, so the fields a transport needs travel together.
 */
const SERIALIZED_AFTER = `SELECT json_build_array(transaction_id::text, position::text, event_id, stream_id, stream_version, type, schema_version,
    project_id, ${isoText('occurred_at')})::text AS routing, ${ENVELOPE_JSON} AS json
  FROM sl_events ${AFTER_CHECKPOINT}`;
type Routing = [transactionId: string, position: string, eventId: string, streamId: string, streamVersion: number, type: string, schemaVersion: number, projectId: string, occurredAt: string];
/** readAll's statement (exported for the plan test). */
export const READ_ALL_SQL = `SELECT transaction_id::text AS transaction_id, ${ENVELOPE_JSON} AS json FROM sl_events ${AFTER_CHECKPOINT}`;

const BY_COMMAND = `SELECT ${COLUMNS} FROM sl_events WHERE command_id = $1 ORDER BY sl_events.position`;

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Checkpoint "txid:position"; START ('0') sorts before everything. */
export function parseCheckpoint(cp: GlobalCheckpoint): { txid: string; position: string } {
  if (!cp || cp === START) return { txid: '0', position: '0' };
  const [txid, position] = cp.split(':');
  if (!/^\d+$/.test(txid ?? '') || !/^\d+$/.test(position ?? '')) throw new Error(`malformed checkpoint '${cp}'`);
  return { txid, position };
}

/** A raw stored row, as the audit verifier needs it (no upcasting). */
export interface StoredEventRow {
  envelope: EventEnvelope;
  hash: string | null;
  prevHash: string | null;
}

/** Advisory lock key held while the schema is set up (any constant unique to this purpose in the database). */
const SCHEMA_LOCK = 0x5e_1ed9e5;

/** The PostgreSQL-family store (PGlite and PostgreSQL share every line of SQL). */
export class SqlEventStore implements EventStore {
  constructor(
    readonly kind: 'pglite' | 'postgres',
    readonly sql: SqlExecutor,
    private readonly upcasters: Upcasters = noUpcasters,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async init(): Promise<void> {
    // Processes starting together on one PostgreSQL (API, relay, projector, scheduler) would each run the set-up: two
    // CREATE TABLE IF NOT EXISTS of one table racing both insert its row type, and one fails. A transaction-scoped
    // advisory lock runs the set-ups one after the other; each later one finds everything there.
    await this.sql.exec(`BEGIN; SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ${SCHEMA_SQL}; COMMIT;`);
  }

  /**
   * Stream heads (version and last hash) seen by this process. When the caller's expected version matches a known
   * head, the append is one optimistic statement; otherwise (or on a conflict) it takes the locking path, which also
   * produces the typed error. The statement re-checks the head in the database, so a stale cache only costs a retry.
   */
  private readonly heads = new Map<string, { version: number; hash: string | null }>();

  async append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const known = this.heads.get(streamId);
    const head = expected === 'no_stream' || expected === 0 ? { version: 0, hash: null } : typeof expected === 'number' && known?.version === expected ? known : null;
    if (head) {
      const fast = await this.appendOptimistic(streamId, events, head);
      if (fast) return fast;
    }
    return this.appendLocked(streamId, events, expected);
  }

  private envelopes(streamId: string, events: NewEvent[], current: number, prevHash: string | null) {
    const recordedAt = this.now().toISOString();
    const stored: EventEnvelope[] = [];
    const hashes: [hash: string, prevHash: string | null, dataJson: string][] = [];
    let previous = prevHash;
    for (const [i, e] of events.entries()) {
      const envelope: EventEnvelope = {
        eventId: e.eventId ?? newId(),
        streamId,
        streamVersion: current + i + 1,
        globalPosition: 0n,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        occurredAt: new Date(e.metadata.occurredAt).toISOString(),
        recordedAt,
        actor: e.metadata.actor,
        projectId: e.metadata.projectId,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
        commandId: e.metadata.commandId,
      };
      // The canonical data text is hashed and stored as the jsonb parameter too: data is serialised once.
      const dataJson = canonicalJson(envelope.data);
      const hash = chainHash(previous, envelope, dataJson);
      hashes.push([hash, previous, dataJson]);
      previous = hash;
      stored.push(envelope);
    }
    const params: unknown[] = [];
    stored.forEach((e, i) =>
      params.push(
        e.eventId, e.streamId, e.streamVersion, e.type, e.schemaVersion, hashes[i][2], e.occurredAt, e.recordedAt,
        e.actor.staffId, e.actor.role, e.projectId, e.correlationId, e.causationId, e.commandId ?? null, hashes[i][0], hashes[i][1],
      ),
    );
    return { stored, params, lastHash: previous };
  }

  /** One prepared statement (see optimisticAppendSql); a conflict, a duplicate or a stale head takes the locked path. */
  private async appendOptimistic(streamId: string, events: NewEvent[], head: { version: number; hash: string | null }): Promise<AppendResult | null> {
    const { stored, params, lastHash } = this.envelopes(streamId, events, head.version, head.hash);
    const newStream = head.version === 0;
    params.push(streamId, head.version + events.length, lastHash, events[0].metadata.commandId ?? null);
    if (!newStream) params.push(head.version, head.hash);
    else params.push(events[0].caseNumberSeries ?? null);
    const inserted = await this.sql.prepared<{ position: string; case_number: string | null }>(optimisticAppendSql(events.length, newStream), params).catch((error) => {
      if (isUniqueViolation(error)) return [];
      throw error;
    });
    if (inserted.length !== stored.length) {
      this.heads.delete(streamId);
      return null;
    }
    inserted.forEach((r, i) => {
      stored[i].globalPosition = BigInt(r.position);
      if (r.case_number) stored[i].caseNumber = r.case_number;
    });
    this.remember(streamId, head.version + events.length, lastHash);
    return { nextExpectedVersion: head.version + events.length, events: stored };
  }

  private async appendLocked(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const commandId = events[0].metadata.commandId;
    try {
      return await this.sql.transaction(async (tx) => {
        // Lock the stream row (or learn it doesn't exist) so concurrent appends to one stream serialise here.
        const rows = await tx.query<{ version: number; last_hash: string | null }>(
          'SELECT version, last_hash FROM sl_streams WHERE stream_id = $1 FOR UPDATE',
          [streamId],
        );
        if (commandId) {
          // After the lock: a retry racing its first attempt on this stream sees that attempt once it committed.
          const previous = await tx.query<EventRow>(BY_COMMAND, [commandId]);
          if (previous.length > 0) return this.duplicateOf(previous);
        }
        const current = rows[0]?.version ?? 0;
        const exists = rows.length > 0;
        checkExpected(streamId, expected, exists, current);
        const { stored, params, lastHash } = this.envelopes(streamId, events, current, rows[0]?.last_hash ?? null);
        if (exists) {
          await tx.query('UPDATE sl_streams SET version = $2, last_hash = $3 WHERE stream_id = $1', [streamId, current + events.length, lastHash]);
        } else {
          await tx.query('INSERT INTO sl_streams (stream_id, version, last_hash) VALUES ($1, $2, $3)', [streamId, events.length, lastHash]);
        }
        const inserted = await tx.query<{ position: string }>(`INSERT INTO sl_events (${EVENT_COLUMNS}) VALUES ${valuesList(events.length)} RETURNING position::text AS position`, params);
        inserted.forEach((r, i) => (stored[i].globalPosition = BigInt(r.position)));
        if (!exists && events[0].caseNumberSeries) stored[0].caseNumber = await this.numberCase(tx, inserted[0].position, events[0].caseNumberSeries);
        this.remember(streamId, current + events.length, lastHash);
        return { nextExpectedVersion: current + events.length, events: stored };
      });
    } catch (error) {
      this.heads.delete(streamId);
      // Two first appends racing on a new stream: the loser hits the primary key, which is a version conflict.
      if (isUniqueViolation(error) && !(error instanceof WrongExpectedVersionError)) {
        const actual = (await this.sql.query<{ version: number }>('SELECT version FROM sl_streams WHERE stream_id = $1', [streamId]))[0]?.version ?? 0;
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  /** The locked path's case number: the counter and the event row move in the append's transaction. */
  private async numberCase(tx: SqlQueryable, position: string, series: string): Promise<string> {
    const [{ case_number }] = await tx.query<{ case_number: string }>(NEXT_CASE_NUMBER('$1::text'), [series]);
    await tx.query('UPDATE sl_events SET case_number = $1 WHERE position = $2::bigint', [case_number, position]);
    return case_number;
  }

  private duplicateOf(previous: EventRow[]): AppendResult {
    const events = previous.map((r) => this.toEnvelope(r));
    return { nextExpectedVersion: events[events.length - 1].streamVersion, events, duplicate: true };
  }

  private remember(streamId: string, version: number, hash: string | null): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, { version, hash });
    if (this.heads.size > 100_000) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * Bulk load for migrations and benchmarks: already-versioned events continuing each stream's stored head, in one
   * transaction per call, with the same hash chain as append. Not for live traffic (no expected-version checks).
   */
  async importNewStreams(events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    this.heads.clear();
    await this.sql.transaction(async (tx) => {
      const heads = new Map<string, { version: number; hash: string | null }>();
      // Streams continued from an earlier call start from their stored head.
      const continued = [...new Set(events.filter((e) => e.streamVersion > 1).map((e) => e.streamId))];
      for (let i = 0; i < continued.length; i += 5000) {
        const found = await tx.query<{ stream_id: string; version: number; last_hash: string | null }>('SELECT stream_id, version, last_hash FROM sl_streams WHERE stream_id = ANY($1::text[])', [continued.slice(i, i + 5000)]);
        for (const f of found) heads.set(f.stream_id, { version: f.version, hash: f.last_hash });
      }
      const rows: unknown[][] = [];
      for (const e of events) {
        const head = heads.get(e.streamId) ?? { version: 0, hash: null };
        if (e.streamVersion !== head.version + 1) throw new Error(`importNewStreams: ${e.streamId} v${e.streamVersion} out of order`);
        const dataJson = canonicalJson(e.data);
        const hash = chainHash(head.hash, e, dataJson);
        rows.push([e.eventId, e.streamId, e.streamVersion, e.type, e.schemaVersion, dataJson, e.occurredAt, e.recordedAt, e.actor.staffId, e.actor.role, e.projectId, e.correlationId, e.causationId, e.commandId ?? null, hash, head.hash]);
        heads.set(e.streamId, { version: e.streamVersion, hash });
      }
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const params = chunk.flat();
        const values = chunk.map((_, r) => `(${Array.from({ length: 16 }, (__, k) => `$${r * 16 + k + 1}`).join(',')})`);
        await tx.query(
          `INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at,
             actor_id, actor_role, project_id, correlation_id, causation_id, command_id, hash, prev_hash) VALUES ${values.join(',')}`,
          params,
        );
      }
      const streams = [...heads.entries()];
      for (let i = 0; i < streams.length; i += 5000) {
        const chunk = streams.slice(i, i + 5000);
        await tx.query(
          `INSERT INTO sl_streams (stream_id, version, last_hash) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
           ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash`,
          [chunk.map(([s]) => s), chunk.map(([, h]) => h.version), chunk.map(([, h]) => h.hash)],
        );
      }
    });
    // A bulk load changes the tables' size by orders of magnitude at once: fresh statistics keep the planner on the
    // indexes (PGlite has no autovacuum to do it, and PostgreSQL's may come minutes later).
    await this.sql.exec('ANALYZE sl_events; ANALYZE sl_streams');
  }

  async readStream(streamId: string, options: { fromVersion?: number; toVersion?: number } = {}): Promise<EventEnvelope[]> {
    const rows = await this.sql.prepared<EventRow>(
      `SELECT ${COLUMNS} FROM sl_events WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3 ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2147483647],
    );
    const last = rows[rows.length - 1];
    if (last && options.fromVersion === undefined && options.toVersion === undefined) this.remember(streamId, last.stream_version, last.hash);
    return rows.map((r) => this.toEnvelope(r));
  }

  async findByCommandId(commandId: string): Promise<EventEnvelope[]> {
    const rows = await this.sql.prepared<EventRow>(BY_COMMAND, [commandId]);
    return rows.map((r) => this.toEnvelope(r));
  }

  async findStreamByCaseNumber(caseNumber: string): Promise<string | null> {
    const rows = await this.sql.query<{ stream_id: string }>('SELECT stream_id FROM sl_events WHERE case_number = $1', [caseNumber]);
    return rows[0]?.stream_id ?? null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const after = options.after ?? START;
    const { txid, position } = parseCheckpoint(after);
    // Each event arrives as one JSON text (see ENVELOPE_JSON): the drivers decode one column per row instead of
    // sixteen, and JSON.parse builds the envelope. Catch-up and replay read the whole log this way.
    const rows = await this.sql.query<{ transaction_id: string; json: string }>(READ_ALL_SQL, [txid, position, options.limit ?? 1000]);
    const events = rows.map((r) => this.fromJson(r.json));
    const last = events[events.length - 1];
    return { events, checkpoint: last ? `${rows[rows.length - 1].transaction_id}:${last.globalPosition}` : after };
  }

  /**
   * readAll with each envelope built as JSON text by the database: the relay forwards it without decoding every
   * column into objects and encoding them again (that round trip cost more than the Kafka producer itself). Events
   * whose schema version an upcaster changes are upcast in JS, as readAll does.
   */
  async readAllSerialized(options: ReadAllOptions = {}): Promise<SerializedBatch> {
    const after = options.after ?? START;
    const { txid, position } = parseCheckpoint(after);
    const rows = await this.sql.query<{ routing: string; json: string }>(SERIALIZED_AFTER, [txid, position, options.limit ?? 1000]);
    let last: Routing | undefined;
    const events = rows.map((r): SerializedEvent => {
      const [, , eventId, streamId, streamVersion, type, schemaVersion, projectId, occurredAt] = (last = JSON.parse(r.routing) as Routing);
      const event = { json: r.json, eventId, streamId, streamVersion, type, schemaVersion, projectId, occurredAt };
      if (!this.upcasters.changes(type, schemaVersion)) return event;
      const stored = JSON.parse(r.json);
      const upcast = this.upcasters.upcast(type, schemaVersion, stored.data);
      return { ...event, schemaVersion: upcast.schemaVersion, json: JSON.stringify({ ...stored, ...upcast }) };
    });
    return { events, checkpoint: last ? `${last[0]}:${last[1]}` : after };
  }

  /** Raw rows in global order for the audit verifier: stored data, no upcasting, with their hashes. */
  async readRawAll(afterPosition = 0n, limit = 5000): Promise<StoredEventRow[]> {
    const rows = await this.sql.query<{ json: string; hash: string | null; prev_hash: string | null }>(
      `SELECT ${ENVELOPE_JSON} AS json, hash, prev_hash FROM sl_events WHERE position > $1 ORDER BY sl_events.position LIMIT $2`,
      [afterPosition.toString(), limit],
    );
    return rows.map((r) => ({ envelope: this.fromJson(r.json, false), hash: r.hash, prevHash: r.prev_hash }));
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    return new PollingSubscription(this, options, handler);
  }

  async readCheckpoint(subscriptionId: string): Promise<GlobalCheckpoint> {
    const rows = await this.sql.query<{ checkpoint: string }>('SELECT checkpoint FROM sl_checkpoints WHERE subscription_id = $1', [subscriptionId]);
    return rows[0]?.checkpoint ?? START;
  }

  async storeCheckpoint(subscriptionId: string, checkpoint: GlobalCheckpoint): Promise<void> {
    await this.sql.query(
      `INSERT INTO sl_checkpoints (subscription_id, checkpoint, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (subscription_id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = now()`,
      [subscriptionId, checkpoint],
    );
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  /** An envelope from its JSON text as ENVELOPE_JSON builds it, upcast as toEnvelope does. */
  private fromJson(json: string, upcast = true): EventEnvelope {
    const e = JSON.parse(json);
    e.globalPosition = BigInt(e.globalPosition);
    if (upcast && this.upcasters.changes(e.type, e.schemaVersion)) Object.assign(e, this.upcasters.upcast(e.type, e.schemaVersion, e.data));
    return e as EventEnvelope;
  }

  private toEnvelope(r: EventRow): EventEnvelope {
    const { schemaVersion, data } = this.upcasters.upcast(r.type, r.schema_version, r.data);
    return {
      eventId: r.event_id,
      streamId: r.stream_id,
      streamVersion: r.stream_version,
      globalPosition: BigInt(r.position),
      type: r.type,
      schemaVersion,
      data,
      occurredAt: iso(r.occurred_at),
      recordedAt: iso(r.recorded_at),
      actor: { staffId: r.actor_id, role: r.actor_role as EventEnvelope['actor']['role'] },
      projectId: r.project_id,
      correlationId: r.correlation_id,
      causationId: r.causation_id,
      ...(r.command_id ? { commandId: r.command_id } : {}),
      ...(r.case_number ? { caseNumber: r.case_number } : {}),
    };
  }
}

function checkExpected(streamId: string, expected: ExpectedVersion, exists: boolean, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && !exists) ||
    (expected === 'stream_exists' && exists) ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new WrongExpectedVersionError(streamId, expected, current);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
