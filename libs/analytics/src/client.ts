import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export type AnalyticsConfig =
  | { kind: 'chdb'; path: string; database: string }
  | { kind: 'clickhouse'; url: string; username?: string; password?: string; database: string };

/**
 * One @clickhouse/client for both shapes: chDB in-process (embedded) or a ClickHouse server over HTTP.
 * chDB binds one data directory per process and ignores the client's default database, so every statement
 * names its tables as `database`.`table` (see `Analytics.table`).
 */
export class Analytics {
  private constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
    readonly kind: AnalyticsConfig['kind'],
  ) {}

  static open(config: AnalyticsConfig): Analytics {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(config.database)) throw new Error(`invalid ClickHouse database name '${config.database}'`);
    const client =
      config.kind === 'chdb'
        ? createClient({ connection: createChdbConnection({ path: config.path }) as never })
        : createClient({ url: config.url, username: config.username, password: config.password, request_timeout: 60_000 });
    return new Analytics(client, config.database, config.kind);
  }

  /** The same server/connection, another database (replay into a fresh database). */
  withDatabase(database: string): Analytics {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`invalid ClickHouse database name '${database}'`);
    return new Analytics(this.client, database, this.kind);
  }

  table(name: string): string {
    return qualifiedTable(this.database, name);
  }

  /** Replaces {{name}} with the qualified table name; values always travel as query parameters. */
  sql(template: string): string {
    return qualifyTables(template, this.database);
  }

  async query<R>(template: string, params: Record<string, unknown> = {}): Promise<R[]> {
    const result = await this.client.query({ query: this.sql(template), query_params: params, format: 'JSONEachRow' });
    return result.json<R>();
  }

  async command(template: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.client.command({ query: this.sql(template), query_params: params });
  }

  async insert(table: string, rows: Record<string, unknown>[], dedupToken?: string): Promise<void> {
    if (rows.length === 0) return;
    // Rows travel as arrays under one column list: a fraction of the bytes to encode and for ClickHouse to parse.
    // A key a row lacks is sent as null, which ClickHouse reads as the column's default, as it would a missing key.
    const columns = new Set<string>();
    for (const row of rows) for (const key in row) columns.add(key);
    const names = [...columns];
    await this.client.insert({
      table: this.table(table),
      columns: names.map((c) => `\`${c}\``) as [string, ...string[]],
      values: rows.map((row) => names.map((c) => row[c] ?? null)),
      format: 'JSONCompactEachRow',
      clickhouse_settings: {
        date_time_input_format: 'best_effort',
        ...(dedupToken ? { insert_deduplication_token: dedupToken } : {}),
      },
    });
  }

  async ping(): Promise<void> {
    await this.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Nest injection token for the Analytics client. */
export const ANALYTICS = Symbol('ANALYTICS');

const qualifiedTable = (database: string, name: string) => `\`${database}\`.\`${name}\``;

/** The SQL as sent to ClickHouse: every {{name}} becomes the table in `database`. */
export function qualifyTables(template: string, database: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => qualifiedTable(database, name));
}
