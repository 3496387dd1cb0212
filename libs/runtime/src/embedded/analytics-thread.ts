import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ClickHouseError } from '@clickhouse/client';
import { type Analytics, type AnalyticsConfig, checkDatabaseName, type ProjectorStats, qualifyTables, type QuerySchedule } from '@service-ledger/analytics';
import { DependencyUnavailableError, type EventEnvelope } from '@service-ledger/core';
import type { Metrics } from '@service-ledger/telemetry';

/** What the projector thread is started with. */
export interface ThreadData {
  analytics: AnalyticsConfig;
  timeZone?: string;
  /** SL_AGGREGATE_REFRESH_MS (ProjectorOptions.refreshEveryMs). */
  aggregateRefreshMs?: number;
  /** Where the thread posts its answers and reports (see AnalyticsThread.collect); its parent port when absent. */
  replies?: MessagePort;
}

/** An analytics call from the main thread; `database` is the one the caller's `Analytics` names (see withDatabase). */
export type ThreadRequest =
  | { id: number; op: 'query' | 'queryRowsJson' | 'command'; database: string; template: string; params: Record<string, unknown> }
  | { id: number; op: 'insert'; database: string; table: string; rows: Record<string, unknown>[]; dedupToken?: string }
  | { id: number; op: 'ping' | 'projectionPosition'; database: string }
  /** Folds the events fed since the last `project` (plus these) and writes them; answers the projector's stats. */
  | { id: number; op: 'project'; events: EventEnvelope[] }
  | { id: number; op: 'close' };

/** Part of the next `project`'s batch, sent ahead so no single message holds the main thread long. */
export interface ThreadFeed {
  op: 'feed';
  events: EventEnvelope[];
}

/** An error as it crosses the port: enough to build one the API maps the same way (503, ClickHouse's code…). */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  type?: string;
  dependency?: 'eventStore' | 'analytics';
  cause?: string;
  stack?: string;
}

export type ThreadMessage =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: ThreadError }
  | { ready: true }
  | { ready: false; error: ThreadError }
  /** An error nobody caught in the thread: it stays up (see analytics-worker.ts), the process should stop. */
  | { fatal: ThreadError }
  /** A duration measured in the thread, observed into the main thread's metrics (the only /metrics there is). */
  | { timing: 'query'; outcome: 'ok' | 'error'; seconds: number }
  | { timing: 'insert'; table: string; seconds: number };

/** An error from the thread, rebuilt as the class it was where the API tells classes apart. */
export function revive(e: ThreadError): Error {
  let error: Error;
  if (e.dependency) error = Object.assign(new DependencyUnavailableError(e.dependency), e.cause ? { cause: new Error(e.cause) } : {});
  else if (e.name === 'ClickHouseError') error = new ClickHouseError({ message: e.message, code: e.code ?? '', type: e.type });
  else {
    error = new Error(e.message);
    error.name = e.name;
    if (e.code !== undefined) Object.assign(error, { code: e.code });
  }
  if (e.stack) error.stack = `${e.stack}\n    at <projector thread>`;
  return error;
}

/** The thread's own side of `revive`. */
export function describeError(error: unknown): ThreadError {
  const e = error as { name?: string; message?: string; code?: unknown; type?: unknown; cause?: { message?: string }; stack?: string } | null;
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    code: typeof e?.code === 'string' || typeof e?.code === 'number' ? String(e.code) : undefined,
    type: typeof e?.type === 'string' ? e.type : undefined,
    dependency: error instanceof DependencyUnavailableError ? error.dependency : undefined,
    cause: e?.cause?.message,
    stack: e?.stack,
  };
}

/**
 * Events cross the port in slices of this many: structured cloning a slice holds the main thread for a few
 * milliseconds, with a turn of the event loop between slices (5 000 events in one message held it for tens).
 */
const FEED_SLICE = 1000;

/**
 * The embedded process's projector thread: it alone opens chDB, runs the migrations and the Projector, and answers
 * the main thread's analytics calls over its port. Folding a batch of thousands of events and encoding its rows takes
 * hundreds of milliseconds of CPU; on the API's event loop that stalled every request behind it. Two chDB sessions
 * in two threads of one process hang when one closes, hence one owner and a port rather than a session per thread.
 */
export class AnalyticsThread {
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private closing = false;
  /** Set once the thread has ended: every call then fails as the analytics database being unavailable. */
  private ended: Error | null = null;
  private readonly exited: Promise<void>;
  /** Resolves with why, if the thread ends without being closed. */
  readonly failed: Promise<Error>;
  /** The main thread's analytics: the same surface as the client, every call answered by the thread. */
  readonly analytics: Analytics;

  /** Handles one message of the thread (an answer, a timing, ready, fatal). */
  private readonly receive: (m: ThreadMessage) => void;

  private constructor(
    private readonly worker: Worker,
    private readonly replies: MessagePort,
    config: AnalyticsConfig,
    metrics: Metrics,
    private readonly log: (line: string) => void,
    ready: { resolve(): void; reject(error: Error): void },
  ) {
    this.analytics = new ThreadAnalytics(this, config.database, config.kind);
    let fail: (error: Error) => void = () => undefined;
    this.failed = new Promise((resolve) => (fail = resolve));
    this.receive = (m: ThreadMessage) => {
      if ('timing' in m) {
        if (m.timing === 'query') metrics.clickhouse.query.observe({ outcome: m.outcome }, m.seconds);
        else metrics.clickhouse.insert.observe({ table: m.table }, m.seconds);
      } else if ('fatal' in m) {
        fail(new Error(`the projector thread failed: ${m.fatal.message}`, { cause: revive(m.fatal) }));
      } else if ('ready' in m) {
        if (m.ready) ready.resolve();
        else ready.reject(revive(m.error));
      } else {
        const call = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) call?.resolve(m.value);
        else call?.reject(revive(m.error));
      }
    };
    replies.on('message', this.receive);
    // The thread keeps the process alive while it runs; its port must not keep it alive after.
    replies.unref();
    let lastError: Error | null = null;
    worker.on('error', (error) => (lastError = error));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        const why = new Error(`the projector thread (chDB) ended${lastError ? `: ${lastError.message}` : ` with exit code ${code}`}`, { cause: lastError ?? undefined });
        this.ended = why;
        // Answers the thread posted before it ended are answers, not failures.
        this.collect();
        replies.close();
        ready.reject(why);
        for (const call of this.pending.values()) call.reject(unavailable(why));
        this.pending.clear();
        if (!this.closing) fail(why);
        resolve();
      }),
    );
  }

  /** Starts the thread and waits until it has opened and migrated the analytics database. */
  static async start(data: ThreadData, metrics: Metrics, log: (line: string) => void): Promise<AnalyticsThread> {
    let ready!: { resolve(): void; reject(error: Error): void };
    const opened = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));
    const channel = new MessageChannel();
    const thread = new AnalyticsThread(startWorker({ ...data, replies: channel.port2 }, [channel.port2]), channel.port1, data.analytics, metrics, log, ready);
    try {
      await opened;
    } catch (error) {
      // Opening or migrating failed: nothing of chDB's is running any more, so the thread may simply go.
      await thread.close();
      throw error;
    }
    return thread;
  }

  request(request: DistributiveOmit<ThreadRequest, 'id'>): Promise<unknown> {
    if (this.ended) return Promise.reject(unavailable(this.ended));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /**
   * Hands over, now, the thread's answers that have arrived; the embedded process calls it as each HTTP request
   * arrives. A message from the thread is otherwise seen at the main thread's next turn of the event loop, and under
   * 200 writing clients a turn handles every request that came in meanwhile (≈ 200 × 1.1 ms of CPU): a panel read,
   * which is posted in one turn and answered in the next, took two turns while a command takes one (its answer waited
   * 75–122 ms on average for that turn; 1–12 ms taken here: docs/performance.md, L3). Taken mid-turn, the answer is
   * sent in the turn that asked for it.
   * Synchronous and cheap when nothing has arrived (no message: one check of the port's queue).
   */
  collect(): void {
    for (let m = receiveMessageOnPort(this.replies); m; m = receiveMessageOnPort(this.replies)) this.receive(m.message as ThreadMessage);
  }

  /** Folds and writes one batch in the thread; resolves once it is written (the subscription checkpoints after that). */
  async project(events: EventEnvelope[]): Promise<ProjectorStats> {
    let sent = 0;
    while (events.length - sent > FEED_SLICE) {
      if (this.ended) throw unavailable(this.ended);
      this.worker.postMessage({ op: 'feed', events: events.slice(sent, sent + FEED_SLICE) } satisfies ThreadFeed);
      sent += FEED_SLICE;
      await nextTurn();
    }
    return (await this.request({ op: 'project', events: sent === 0 ? events : events.slice(sent) })) as ProjectorStats;
  }

  /**
   * Closes chDB in the thread and waits for the thread to end. Never `terminate()`: a thread torn down while chDB
   * works for it aborts the process. If the thread does not end within 30 s, this gives up waiting (the caller's
   * process exit ends it) rather than hang the shutdown.
   */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      if (!this.ended) void this.request({ op: 'close' }).catch(() => undefined);
    }
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 30_000, 'timeout').unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') this.log('the projector thread did not end within 30 s of closing chDB; exiting without it');
  }
}

/** The main thread's `Analytics`: table names are qualified here, every statement runs in the projector thread. */
class ThreadAnalytics implements Analytics {
  constructor(
    private readonly thread: AnalyticsThread,
    readonly database: string,
    readonly kind: AnalyticsConfig['kind'],
    private readonly schedule: QuerySchedule | null = null,
  ) {}

  table(name: string): string {
    return qualifyTables(`{{${name}}}`, this.database);
  }

  sql(template: string): string {
    return qualifyTables(template, this.database);
  }

  async query<R>(template: string, params: Record<string, unknown> = {}): Promise<R[]> {
    // Scheduled until the thread's answer is here, which includes the thread's parsing of the rows (it cannot be told apart).
    const send = () => this.thread.request({ op: 'query', database: this.database, template, params });
    return (await (this.schedule ? this.schedule(send) : send())) as R[];
  }

  /** One string crosses the threads instead of a structured clone of every row object (rebuilt on this thread). */
  async queryRowsJson(template: string, params: Record<string, unknown> = {}): Promise<string> {
    const send = () => this.thread.request({ op: 'queryRowsJson', database: this.database, template, params });
    return (await (this.schedule ? this.schedule(send) : send())) as string;
  }

  async command(template: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.thread.request({ op: 'command', database: this.database, template, params });
  }

  async insert(table: string, rows: Record<string, unknown>[], dedupToken?: string): Promise<void> {
    if (rows.length === 0) return;
    await this.thread.request({ op: 'insert', database: this.database, table, rows, dedupToken });
  }

  async ping(): Promise<void> {
    await this.thread.request({ op: 'ping', database: this.database });
  }

  async projectionPosition(): Promise<{ position: string; lastEventRecordedAt: string | null; events: number }> {
    return (await this.thread.request({ op: 'projectionPosition', database: this.database })) as { position: string; lastEventRecordedAt: string | null; events: number };
  }

  withDatabase(database: string): Analytics {
    checkDatabaseName(database);
    return new ThreadAnalytics(this.thread, database, this.kind);
  }

  scheduled(schedule: QuerySchedule): Analytics {
    return new ThreadAnalytics(this.thread, this.database, this.kind, schedule);
  }

  /** The session belongs to the thread: closing it is the embedded part's job (AnalyticsThread.close). */
  async close(): Promise<void> {}
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const unavailable = (cause: Error) => Object.assign(new DependencyUnavailableError('analytics'), { cause });

/**
 * Compiled code loads analytics-worker.js beside this file; run from TypeScript sources (tests) the thread compiles
 * its imports with SWC, which the test runner already uses, and resolves the @service-ledger/* paths as Jest does.
 */
function startWorker(data: ThreadData, transferList: MessagePort[]): Worker {
  if (__filename.endsWith('.js')) return new Worker(join(__dirname, 'analytics-worker.js'), { workerData: data, transferList });
  return new Worker(typeScriptBootstrap(join(__dirname, 'analytics-worker.ts')), { eval: true, workerData: data, transferList });
}

/** Code that runs a TypeScript file of this repository with SWC and the @service-ledger/* paths (tests only). */
export function typeScriptBootstrap(file: string): string {
  const root = join(__dirname, '../../../..');
  return `
    const Module = require('node:module');
    const { transformSync } = require('@swc/core');
    const { readFileSync } = require('node:fs');
    const root = ${JSON.stringify(root)};
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      const alias = /^@service-ledger\\/(.+)$/.exec(request);
      if (alias) request = alias[1] === 'dashboards' ? root + '/dashboards/src' : root + '/libs/' + alias[1] + '/src';
      return resolveFilename.call(this, request, ...rest);
    };
    require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'), {
      filename, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
      module: { type: 'commonjs' } }).code, filename);
    require(${JSON.stringify(file)});`;
}
