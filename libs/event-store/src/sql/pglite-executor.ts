import { type messages, PGlite, protocol, types } from '@electric-sql/pglite';
import { type SqlExecutor, type SqlQueryable, StatementNames } from './executor';

/**
 * PGlite is one connection: its transactions are serialised, which is exactly what the store needs. Every call on
 * it goes through this executor's own queue (`exclusive`), so PGlite's query lock is never contended and prepared
 * statements skip it: they run the wire protocol synchronously (`execProtocolRawSync`), at once when nothing is
 * queued.
 */
export class PgliteExecutor implements SqlExecutor {
  private readonly statements = new StatementNames();
  /** Result columns of each statement parsed on this connection (learnt once, with Describe). */
  private readonly columns = new Map<string, Column[]>();
  /** Orders every call: a prepared statement must never run inside someone's open transaction or query. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls queued or running; 0 means the connection is idle and a prepared statement may run right away. */
  private pending = 0;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteExecutor> {
    const db = dataDir ? new PGlite(dataDir) : new PGlite();
    await db.waitReady;
    // Every page PGlite reads is in memory (or the OS cache): a random read costs what a sequential one does. With
    // the default 4.0, and no autovacuum to keep statistics, the planner reads the global log by sorting every event
    // after the checkpoint (on disk) for each batch instead of walking its index: 25× slower at 100 000 events.
    await db.exec('SET random_page_cost = 1.1');
    return new PgliteExecutor(db);
  }

  query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.exclusive(async () => (await this.db.query<R>(sql, params)).rows);
  }

  /**
   * PGlite's `query` parses, describes and plans on every call, in six protocol round trips into the WASM engine, each
   * through its own message bookkeeping and locks. A named statement is parsed and described once; each call is then
   * one Bind/Execute/Sync buffer through `execProtocolRawSync`, read with the protocol parser. Scalar parameters only.
   */
  prepared<R>(sql: string, params: unknown[]): Promise<R[]> {
    if (this.pending > 0) return this.exclusive(async () => this.runPrepared<R>(sql, params));
    try {
      return Promise.resolve(this.runPrepared<R>(sql, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One prepared statement, start to end without yielding: only called while no other call is running. */
  private runPrepared<R>(sql: string, params: unknown[]): R[] {
    if (this.db.closed) throw new Error('PGlite is closed');
    const name = this.statements.nameOf(sql);
    let columns = this.columns.get(name);
    if (!columns) {
      const reply = this.db.execProtocolRawSync(concat([protocol.serialize.parse({ name, text: sql }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()]));
      let description: messages.RowDescriptionMessage | undefined;
      let error: messages.DatabaseError | undefined;
      new protocol.Parser().parse(reply, (message) => {
        if (message.name === 'rowDescription') description = message as messages.RowDescriptionMessage;
        else if (message.name === 'error') error ??= message as messages.DatabaseError;
      });
      if (error) throw error;
      columns = description?.fields.map((f) => ({ name: f.name, type: f.dataTypeID })) ?? [];
      this.columns.set(name, columns);
    }
    // Memory and Node file systems (the only ones a server opens) write through: there is nothing to sync.
    const reply = this.db.execProtocolRawSync(concat([protocol.serialize.bind({ statement: name, values: params.map(toText) }), protocol.serialize.execute({}), protocol.serialize.sync()]));
    return readRows<R>(reply, columns);
  }

  /**
   * One unnamed statement, its first data row cut out of the reply as bytes: PGlite's own parser would decode every
   * text on this thread (the verifier's batches are megabytes, decoded in its worker).
   */
  queryBytes(sql: string, params: unknown[]): Promise<(Uint8Array | null)[] | null> {
    return this.exclusive(() =>
      this.db.runExclusive(async () => {
        // The stream variant hands over the raw output chunks; execProtocolRaw would also run PGlite's parser over
        // them, decoding every text (most of this read's cost on the calling thread).
        const chunks: Uint8Array[] = [];
        await this.db.execProtocolRawStream(
          concat([protocol.serialize.parse({ text: sql }), protocol.serialize.bind({ values: params.map(toText) }), protocol.serialize.execute({}), protocol.serialize.sync()]),
          { syncToFs: false, onRawData: (chunk) => chunks.push(chunk.slice()) },
        );
        return firstRowBytes(chunks.length === 1 ? chunks[0] : concat(chunks));
      }),
    );
  }

  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.db.transaction(async (tx) => fn({ query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows })),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.exclusive(() => this.db.exec(sql));
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      if (!this.db.closed) await this.db.close();
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.tail.then(fn, fn);
    const done = () => {
      this.pending -= 1;
    };
    this.tail = run.then(done, done);
    return run;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

interface Column {
  name: string;
  type: number;
}

/** Rows of one statement's reply, typed like `query` returns them; its error, if any, thrown as PGlite throws it. */
function readRows<R>(reply: Uint8Array, columns: Column[]): R[] {
  const rows: R[] = [];
  let error: messages.DatabaseError | undefined;
  new protocol.Parser().parse(reply, (message) => {
    if (message.name === 'dataRow') {
      const row: Record<string, unknown> = {};
      (message as messages.DataRowMessage).fields.forEach((value, i) => (row[columns[i].name] = types.parseType(value, columns[i].type)));
      rows.push(row as R);
    } else if (message.name === 'error') error ??= message as messages.DatabaseError;
  });
  if (error) throw error;
  return rows;
}

/**
 * The first DataRow's fields as views into the reply, or null without one; errors thrown. The reply is a buffer of
 * this call's own (queryBytes copies PGlite's output): a caller may transfer it, which moves every field with it.
 */
function firstRowBytes(reply: Uint8Array): (Uint8Array | null)[] | null {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  for (let at = 0; at + 5 <= reply.length; ) {
    const type = reply[at];
    const length = view.getInt32(at + 1);
    if (type === 0x45 /* E */) {
      readRows(reply, []);
      throw new Error('PGlite returned an error it could not parse');
    }
    if (type === 0x44 /* D */) {
      const fields: (Uint8Array | null)[] = [];
      let f = at + 7;
      for (let i = view.getInt16(at + 5); i > 0; i--) {
        const n = view.getInt32(f);
        fields.push(n < 0 ? null : reply.subarray(f + 4, f + 4 + n));
        f += 4 + Math.max(n, 0);
      }
      return fields;
    }
    at += 1 + length;
  }
  return null;
}

/** Text-format parameter values, as `query` would send them for scalars. */
function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) throw new Error('prepared statements on PGlite take scalar parameters only');
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
