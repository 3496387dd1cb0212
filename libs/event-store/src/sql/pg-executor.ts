import { DependencyUnavailableError } from '@service-ledger/core';
import { Pool, types } from 'pg';
import { type SqlExecutor, type SqlQueryable, StatementNames } from './executor';

// int8 as string (positions are bigint); we convert explicitly where needed.
types.setTypeParser(20, (v) => v);

/**
 * Whether a failure means "the server is not there" rather than "this statement is wrong": socket errors, the
 * connection classes 08xxx, an administrator shutdown (57P0x), too many connections, the pool's connect timeout.
 */
export function isConnectionFailure(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && /^(08|57P0|53300)/.test(e.code)) return true;
  if (typeof e.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|EAI_AGAIN)$/.test(e.code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message ?? '');
}

/** Connection failures become one typed error (HTTP 503, Retry-After); anything else passes through unchanged. */
function unavailable(error: unknown): never {
  if (isConnectionFailure(error)) throw Object.assign(new DependencyUnavailableError('eventStore'), { cause: error });
  throw error;
}

export class PgExecutor implements SqlExecutor {
  private readonly statements = new StatementNames();

  constructor(private readonly pool: Pool) {}

  static open(url: string, schema?: string, max = 10): PgExecutor {
    // A bounded connect timeout: during an outage callers get a 503 within seconds instead of waiting on the OS.
    const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, options: schema ? `-c search_path=${schema}` : undefined });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PgExecutor(pool);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params).catch(unavailable)).rows as R[];
  }

  /** `pg` prepares a named statement once per pooled connection and reuses it there. */
  async prepared<R>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.pool.query({ name: this.statements.nameOf(sql), text: sql, values: params }).catch(unavailable)).rows as R[];
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(unavailable);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn({ query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isConnectionFailure(error);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      return unavailable(error);
    } finally {
      // A connection that failed is destroyed, not handed to the next caller.
      client.release(broken || undefined);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql).catch(unavailable);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
