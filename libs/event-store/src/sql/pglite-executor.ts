import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor, SqlQueryable } from './executor';

/** PGlite is one connection: its transactions are serialised, which is exactly what the store needs. */
export class PgliteExecutor implements SqlExecutor {
  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteExecutor> {
    const db = dataDir ? new PGlite(dataDir) : new PGlite();
    await db.waitReady;
    return new PgliteExecutor(db);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows;
  }

  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({ query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows }),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
