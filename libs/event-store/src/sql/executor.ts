/** The two SQL engines (PGlite in-process, PostgreSQL over `pg`) behind one minimal interface. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlExecutor extends SqlQueryable {
  /**
   * Like `query`, as a named prepared statement: parsed and planned once per connection, then only bound and run.
   * For hot statements with a bounded number of distinct texts (each text is kept prepared for the session). Not for
   * use inside `transaction` (on PGlite it waits for the transaction to end).
   */
  prepared<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction on one connection; rolls back on throw. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * The first row's column values as raw UTF-8 bytes (null for SQL NULL), undecoded: for a large text handed to a
   * worker thread as a transferable buffer. Engines that decode anyway (pg) leave it out; callers fall back to query.
   */
  queryBytes?(sql: string, params: unknown[]): Promise<(Uint8Array | null)[] | null>;
  /** Runs a multi-statement script (schema). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Stable statement names per SQL text, shared by both engines' `prepared`. */
export class StatementNames {
  private readonly names = new Map<string, string>();
  nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (!name) this.names.set(sql, (name = `sl_stmt_${this.names.size + 1}`));
    return name;
  }
}
