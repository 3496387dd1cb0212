import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { formatQueryParams } from '@clickhouse/client-common';
import { createChdbConnection } from 'chdb/connection';
import { DependencyUnavailableError } from '@service-ledger/core';

/** Database names are spliced into every statement (`table`): only plain identifiers. */
export function checkDatabaseName(database: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`invalid ClickHouse database name '${database}'`);
}

/**
 * Waits for every write to end, then throws the first failure: a batch is reported failed only once nothing of it is
 * still running, so its retry never overlaps a write of the failed attempt.
 */
export async function allEnded(writes: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * A statement with its `{name:Type}` parameters written in as literals (`CAST(literal, 'Type')`, quoted by the client
 * library's own formatter). chDB's Node binding runs every parameterised statement of a process one after the other
 * (one chain, node_modules/chdb/index.js `runExclusiveParam`: concurrent bound parameters crash its engine), so the
 * projector's own parameterised statements (aggregate refreshes, history reads) held the API's panel reads behind them
 * in the embedded thread; without parameters chDB runs them side by side. Only for values the projector produced or
 * read itself, never for a request's.
 */
export function inlined(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+):([^{}]+)\}/g, (whole, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) throw new Error(`no value for the parameter ${whole}`);
    return `CAST(${literal(params[name])}, ${literal(type.trim())})`;
  });
}

const literal = (value: unknown) => formatQueryParams({ value, wrapStringInQuotes: true, printNullAsKeyword: true });

/** A ClickHouse server that cannot be reached (as opposed to a statement it refused): HTTP 503 for the API. */
function unreachable(error: unknown): never {
  const e = error as { code?: string; message?: string };
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(e?.code ?? '') || /socket hang up|Timeout error/i.test(e?.message ?? '')) {
    throw Object.assign(new DependencyUnavailableError('analytics'), { cause: error });
  }
  throw error;
}

export type AnalyticsConfig =
  | { kind: 'chdb'; path: string; database: string }
  | { kind: 'clickhouse'; url: string; username?: string; password?: string; database: string };

/**
 * What the code reads and writes analytics through. `ClickHouseAnalytics` is the client itself; the embedded process's
 * main thread holds a port to the projector thread, which alone owns chDB (libs/runtime/src/embedded/analytics-thread.ts).
 */
export interface Analytics {
  readonly database: string;
  readonly kind: AnalyticsConfig['kind'];
  table(name: string): string;
  /** Replaces {{name}} with the qualified table name; values always travel as query parameters. */
  sql(template: string): string;
  query<R>(template: string, params?: Record<string, unknown>): Promise<R[]>;
  /**
   * The same rows as `query`, as the text of a JSON array of objects, as ClickHouse wrote them: for callers that only
   * pass the rows on as JSON (the panel route), parsing them to objects and writing them out again was wasted work.
   */
  queryRowsJson?(template: string, params?: Record<string, unknown>): Promise<string>;
  command(template: string, params?: Record<string, unknown>): Promise<void>;
  insert(table: string, rows: Record<string, unknown>[], dedupToken?: string): Promise<void>;
  ping(): Promise<void>;
  projectionPosition(): Promise<{ position: string; lastEventRecordedAt: string | null; events: number }>;
  /** The same server/connection, another database (what-if and replays into a scratch database). */
  withDatabase(database: string): Analytics;
  /** The same store, each query sent when `schedule` runs it (see ClickHouseAnalytics.scheduled). */
  scheduled(schedule: QuerySchedule): Analytics;
  close(): Promise<void>;
}

/**
 * Where query and insert durations go: the process's `Metrics` (sl_clickhouse_*), or, in the embedded projector
 * thread, a forwarder that hands each duration to the main thread's `Metrics`.
 */
export interface AnalyticsTimings {
  clickhouse: {
    query: { startTimer(): (labels: { outcome: 'ok' | 'error' }) => unknown };
    insert: { startTimer(labels: { table: string }): () => unknown };
  };
}

/**
 * One @clickhouse/client for both shapes: chDB in-process (embedded) or a ClickHouse server over HTTP.
 * chDB binds one data directory per process and ignores the client's default database, so every statement
 * names its tables as `database`.`table` (see `Analytics.table`).
 */
export class ClickHouseAnalytics implements Analytics {
  private constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
    readonly kind: AnalyticsConfig['kind'],
  ) {}

  static open(config: AnalyticsConfig): ClickHouseAnalytics {
    checkDatabaseName(config.database);
    const client =
      config.kind === 'chdb'
        ? createClient({ connection: createChdbConnection({ path: config.path }) as never })
        : createClient({ url: config.url, username: config.username, password: config.password, request_timeout: 60_000 });
    return new ClickHouseAnalytics(client, config.database, config.kind);
  }

  /** The same server/connection, another database (replay into a fresh database). */
  withDatabase(database: string): ClickHouseAnalytics {
    checkDatabaseName(database);
    const other = new ClickHouseAnalytics(this.client, database, this.kind);
    other.metrics = this.metrics;
    return other;
  }

  private metrics: AnalyticsTimings | null = null;

  /**
   * The same store, each query sent when `schedule` runs it: a caller that reads several reports at once puts their
   * queries in the order it needs the answers (the KPI export: `startKpiExport`). `schedule` runs the query until its
   * answer is there (chDB: computed; a server: its first bytes), not the parsing of the rows. Commands and inserts are
   * not scheduled.
   */
  scheduled(schedule: QuerySchedule): Analytics {
    const other = this.withDatabase(this.database);
    other.schedule = schedule;
    return other;
  }

  private schedule: QuerySchedule | null = null;

  /** Insert and query durations go to this process's metrics (one client may be shared by several parts). */
  instrument(metrics: AnalyticsTimings): this {
    this.metrics = metrics;
    return this;
  }

  table(name: string): string {
    return qualifiedTable(this.database, name);
  }

  /** Replaces {{name}} with the qualified table name; values always travel as query parameters. */
  sql(template: string): string {
    return qualifyTables(template, this.database);
  }

  async query<R>(template: string, params: Record<string, unknown> = {}): Promise<R[]> {
    const timer = this.metrics?.clickhouse.query.startTimer();
    try {
      const send = () => this.client.query({ query: this.sql(template), query_params: params, format: 'JSONEachRow' });
      const result = await (this.schedule ? this.schedule(send) : send());
      const rows = await result.json<R>();
      timer?.({ outcome: 'ok' });
      return rows;
    } catch (error) {
      timer?.({ outcome: 'error' });
      return unreachable(error);
    }
  }

  async queryRowsJson(template: string, params: Record<string, unknown> = {}): Promise<string> {
    const timer = this.metrics?.clickhouse.query.startTimer();
    try {
      const send = () => this.client.query({ query: this.sql(template), query_params: params, format: 'JSONEachRow' });
      const result = await (this.schedule ? this.schedule(send) : send());
      const text = await result.text();
      timer?.({ outcome: 'ok' });
      return jsonArrayOfLines(text);
    } catch (error) {
      timer?.({ outcome: 'error' });
      return unreachable(error);
    }
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
    const timer = this.metrics?.clickhouse.insert.startTimer({ table });
    await this.client.insert({
      table: this.table(table),
      columns: names.map((c) => `\`${c}\``) as [string, ...string[]],
      values: rows.map((row) => names.map((c) => row[c] ?? null)),
      format: 'JSONCompactEachRow',
      clickhouse_settings: {
        date_time_input_format: 'best_effort',
        ...(dedupToken ? { insert_deduplication_token: dedupToken } : {}),
      },
    }).catch(unreachable);
    timer?.();
  }

  async ping(): Promise<void> {
    await this.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
  }

  /**
   * How far the projection has got: the highest projected global position and when that event was recorded, plus the
   * number of raw events. KPI and panel responses carry it, and /health compares it with the store's head.
   */
  async projectionPosition(): Promise<{ position: string; lastEventRecordedAt: string | null; events: number }> {
    const [row] = await this.query<{ p: string; r: string | null; n: string }>(PROJECTION_POSITION_SQL);
    return { position: row?.p ?? '0', lastEventRecordedAt: row?.r ?? null, events: Number(row?.n ?? 0) };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * The position through which the tables and the aggregates summing them are current: the raw events', or the
 * aggregates' refresh (aggregates.ts AGGREGATES_REFRESHED) when that is behind, so an answer (and the panel cache key)
 * never claims an aggregate holds events it does not sum yet. The events part is answered from the table's summary per
 * part (`position_high_water`, migration 7), not by a scan of the log.
 */
export const PROJECTION_POSITION_SQL = `SELECT toString(least(e.p, m.p)) AS p, if(e.n = 0, NULL, formatDateTime(if(m.p < e.p, m.r, e.r), '%Y-%m-%dT%H:%i:%SZ')) AS r, toString(e.n) AS n
  FROM (SELECT max(position) AS p, max(recorded_at) AS r, count() AS n FROM {{events}}) AS e
  CROSS JOIN (SELECT max(position) AS p, argMax(recorded_at, position) AS r FROM {{aggregates_refreshed}}) AS m`;

/** JSONEachRow's output (one object a line) as one JSON array: the lines are whole JSON values, so commas join them. */
export function jsonArrayOfLines(text: string): string {
  const lines = text.trimEnd();
  return lines === '' ? '[]' : `[${lines.replaceAll('\n', ',')}]`;
}

/** Starts a query when it decides to, and answers what the query answers. */
export type QuerySchedule = <R>(query: () => Promise<R>) => Promise<R>;

/** Nest injection token for the Analytics client. */
export const ANALYTICS = Symbol('ANALYTICS');

const qualifiedTable = (database: string, name: string) => `\`${database}\`.\`${name}\``;

/** The SQL as sent to ClickHouse: every {{name}} becomes the table in `database`. */
export function qualifyTables(template: string, database: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => qualifiedTable(database, name));
}
