/** The two SQL engines (PGlite in-process, PostgreSQL over `pg`) behind one minimal interface. */
export interface SqlQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlExecutor extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection; rolls back on throw. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (schema). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
