import { Pool, types } from 'pg';
import { type SqlExecutor, type SqlQueryable, StatementNames } from './executor';

// int8 as string (positions are bigint); we convert explicitly where needed.
types.setTypeParser(20, (v) => v);

export class PgExecutor implements SqlExecutor {
  private readonly statements = new StatementNames();

  constructor(private readonly pool: Pool) {}

  static open(url: string, schema?: string, max = 10): PgExecutor {
    const pool = new Pool({ connectionString: url, max, options: schema ? `-c search_path=${schema}` : undefined });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PgExecutor(pool);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[];
  }

  /** `pg` prepares a named statement once per pooled connection and reuses it there. */
  async prepared<R>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query({ name: this.statements.nameOf(sql), text: sql, values: params })).rows as R[];
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
