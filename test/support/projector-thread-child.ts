/**
 * The embedded projector part in a process of its own (chDB allows one data folder, and one owning thread, per
 * process: a test runner that opened chDB elsewhere must not open it again in a thread). Driven by
 * test/projector-thread.int.spec.ts; prints one JSON line per step.
 *
 * PROJECTOR_CHILD=
 *   seed <data dir>        a PGlite store with one project and one month of history
 *   project <data dir>     projects it all; reads, errors and metrics through the thread; closes
 *   partial <data dir>     says `written` once the first events are in chDB, then waits to be killed
 *   ends <data dir>        projects it all, then the thread ends under the process (as an out-of-memory thread would)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseError } from '@clickhouse/client';
import { loadConfig } from '@service-ledger/config';
import { DependencyUnavailableError } from '@service-ledger/core';
import { createEventStore } from '@service-ledger/event-store';
import { seedStore } from '@service-ledger/seed';
import { Health, Metrics, processLogger } from '@service-ledger/telemetry';
import { embeddedThread, projectorPart } from '../../libs/runtime/src/embedded/projector.part';

// Run as `node -e <bootstrap>` (no script path to take arguments after): the step comes in the environment.
const [mode, dataDir] = (process.env.PROJECTOR_CHILD ?? '').split(' ');
const out = (step: string, value: unknown) => console.log(JSON.stringify({ step, value }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
const until = (test: () => Promise<boolean>, ms: number) =>
  (async () => {
    const end = Date.now() + ms;
    while (!(await test())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

async function main(): Promise<void> {
  mkdirSync(join(dataDir, 'store'), { recursive: true });
  const store = await createEventStore({ kind: 'pglite', dataDir: join(dataDir, 'store') });
  if (mode === 'seed') {
    const seeded = await seedStore(store, { projects: 1, months: 1, seed: 7, until: new Date('2026-11-20T00:00:00Z') });
    out('seeded', { events: seeded.events, failed: seeded.failed.length });
    await store.close();
    return;
  }
  const config = loadConfig({ SL_DATA_DIR: dataDir, SL_LOG_LEVEL: 'error' });
  const metrics = new Metrics('service-ledger');
  const health = new Health();
  const part = await projectorPart.start({ config, store, log: () => undefined, ops: { metrics, health, logger: processLogger('test', 'error') } });
  const thread = embeddedThread!;
  const db = thread.analytics;
  const all = (await store.readAll({ limit: 1_000_000 })).events;
  const head = all.length;
  const headPosition = all[head - 1].globalPosition;
  if (mode === 'partial') {
    await until(async () => (await db.projectionPosition()).events > 0, 180_000);
    out('written', null);
    return new Promise(() => undefined);
  }
  // Written and checkpointed: the subscription stores its checkpoint after the thread answered for the whole batch.
  await until(async () => BigInt((await store.readCheckpoint('projector')).split(':')[1] ?? 0) >= headPosition, 180_000);
  if (mode === 'ends') {
    // Idle, so chDB has nothing in flight (a thread torn down mid-query takes the process with it, see analytics-worker.ts):
    // the aggregates refreshed too (SL_AGGREGATE_REFRESH_MS after the last write), which moves the position to the head.
    await until(async () => (await db.projectionPosition()).position === headPosition.toString(), 180_000);
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    out('failed', (await part.failed!).message);
    out('after', await errorOf(() => db.ping()));
    out('health', await health.report());
    const started = Date.now();
    await part.stop();
    await store.close();
    out('stopped', { ms: Date.now() - started });
    return;
  }
  out('projected', { head, ...(await db.query<{ raw: string; distinct: string }>('SELECT toString(count()) AS raw, toString(uniqExact(event_id)) AS distinct FROM {{events}} FINAL'))[0] });
  out('cases', (await db.query<{ n: string }>('SELECT toString(count()) AS n FROM {{cases}} FINAL'))[0].n);
  // The panel route's rows as JSON text come through the thread as one string, the same rows as query's.
  const rowsSql = 'SELECT project_id, toString(count()) AS n FROM {{cases}} FINAL GROUP BY project_id ORDER BY project_id';
  out('rowsJson', { text: await db.queryRowsJson!(rowsSql), rows: await db.query(rowsSql) });
  out('syntax', await errorOf(() => db.query('SELEC 1')));
  // An answer that arrives while the main thread is busy (as in a turn of the event loop handling many requests) is
  // handed over by collect() at once, without a turn of the loop in between; before collect() it is not.
  {
    let answered = false;
    void db.ping().then(() => (answered = true));
    const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    block(300);
    await Promise.resolve();
    const beforeCollect = answered;
    for (const end = Date.now() + 20_000; !answered && Date.now() < end; block(20)) {
      thread.collect();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    out('collected', { beforeCollect, afterCollect: answered });
  }
  // A scheduled reader (the KPI export's) runs each query through its schedule, answered by the thread.
  const scheduledRuns: string[] = [];
  const scheduledDb = db.scheduled((query) => (scheduledRuns.push('run'), query()));
  out('scheduled', { n: (await scheduledDb.query<{ n: string }>('SELECT toString(count()) AS n FROM {{cases}} FINAL'))[0].n, runs: scheduledRuns.length });
  out('scratch', await db.withDatabase('no_such_database').query('SELECT 1 AS x FROM {{events}}').then(() => null, (e: Error) => e.name));
  out('health', await health.report());
  out('metrics', (await metrics.text()).split('\n').filter((l) => /^sl_clickhouse_(query|insert)_duration_seconds_count\{(outcome="ok"|table="events")\}/.test(l)));
  const started = Date.now();
  await part.stop();
  await store.close();
  out('stopped', { ms: Date.now() - started });
}

async function errorOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return null;
  } catch (error) {
    const e = error as Error & { code?: string };
    return { name: e.name, code: e.code, message: e.message, clickhouse: e instanceof ClickHouseError, unavailable: e instanceof DependencyUnavailableError };
  }
}

void (main as () => Promise<void>)().then(
  () => out('exit', 0),
  (error) => {
    out('error', String((error as Error).stack));
    process.exitCode = 1;
  },
);
