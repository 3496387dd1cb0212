/**
 * P2's catch-up alone, for profiling and A/B runs of the projector (issue 20), from sources:
 *   node test/bench/run-ts.js test/bench/catchup.ts store <store dir> <events>   builds P2's dataset into a PGlite folder once
 *   node test/bench/run-ts.js test/bench/catchup.ts run <store dir> <chdb dir>     projects it into a fresh chDB database
 *   node test/bench/run-ts.js test/bench/catchup.ts read <store dir>               only reads the store, as projectAll does
 *   node test/bench/run-ts.js test/bench/catchup.ts phases <store dir> <chdb dir>  the same one step at a time, CPU per step and chDB call
 *   node test/bench/run-ts.js test/bench/catchup.ts insert <store dir> <chdb dir> <variant>  the raw events insert alone
 * `run` prints one JSON line: events, seconds, events/s, CPU seconds of the main thread and of the process (all
 * threads: chDB's and V8's helpers), the load average before and after. On a machine shared with other jobs the
 * wall time swings with the load; the CPU seconds swing less. CATCHUP_BATCH, CATCHUP_CACHE and CATCHUP_REFRESH_MS
 * set the window, the projector's case cache and its refresh cadence (P2's by default); CATCHUP_TAG labels the line.
 * Add node's `--cpu-prof --cpu-prof-dir=…` to profile; the store read, folding and chDB's writes are all in the run.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { ClickHouseAnalytics, CATCH_UP_BATCH, CATCH_UP_REFRESH_MS, migrate, Projector, projectAll } from '@service-ledger/analytics';
import { createEventStore, START, type SqlEventStore } from '@service-ledger/event-store';
import { procCpu } from './proc-cpu';
import { fillStore } from './store-dataset';

/** As run.ts: the generated history ends here, so every run builds the same dataset. */
const until = new Date('2026-11-20T00:00:00Z');

async function buildStore(dir: string, events: number) {
  const store = (await createEventStore({ kind: 'pglite', dataDir: dir })) as SqlEventStore;
  const { loaded, projects } = await fillStore(store, events, until);
  await store.close();
  console.log(JSON.stringify({ loaded, projects }));
}

/** CPU seconds of the main thread (Linux /proc: the JavaScript thread, PGlite's WASM included) and of the whole process. */
function cpu(): { main: number; process: number } {
  const usage = process.cpuUsage();
  return { main: procCpu()?.main ?? NaN, process: (usage.user + usage.system) / 1e6 };
}

/** The store read alone, as projectAll reads it (steps of 20 000): the part of P2 no projector change removes. */
async function read(storeDir: string) {
  const store = await createEventStore({ kind: 'pglite', dataDir: storeDir });
  const c0 = cpu();
  const t0 = process.hrtime.bigint();
  let events = 0;
  for (let after = START; ; ) {
    const b = await store.readAll({ after, limit: 20_000 });
    if (!b.events.length) break;
    events += b.events.length;
    after = b.checkpoint;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpu();
  console.log(JSON.stringify({ events, seconds: +seconds.toFixed(2), mainCpu: +(c1.main - c0.main).toFixed(2), load: loadavg()[0] }));
  await store.close();
}

async function run(storeDir: string, chdbDir: string) {
  const store = await createEventStore({ kind: 'pglite', dataDir: storeDir });
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: chdbDir, database: 'catchup' });
  await db.command('DROP DATABASE IF EXISTS `catchup`');
  await migrate(db);
  const load = loadavg()[0];
  // As P2 (run.ts): the aggregate slices recomputed on a replay's cadence and at the end.
  const projector = new Projector(db, { cacheSize: Number(process.env.CATCHUP_CACHE ?? 100_000), refreshEveryMs: Number(process.env.CATCHUP_REFRESH_MS ?? CATCH_UP_REFRESH_MS) });
  const c0 = cpu();
  const t0 = process.hrtime.bigint();
  const events = await projectAll(store, projector, Number(process.env.CATCHUP_BATCH ?? CATCH_UP_BATCH));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpu();
  console.log(JSON.stringify({ tag: process.env.CATCHUP_TAG, events, seconds: +seconds.toFixed(2), rate: Math.round(events / seconds), mainCpu: +(c1.main - c0.main).toFixed(2), processCpu: +(c1.process - c0.process).toFixed(2), loadBefore: load, loadAfter: loadavg()[0] }));
  await store.close();
  await db.close();
}

/**
 * projectAll's steps one after the other (nothing overlaps), each chDB call timed with the process's CPU across it:
 * with nothing else running in the process that is chDB's CPU for the call plus the main thread's encoding.
 */
async function phases(storeDir: string, chdbDir: string) {
  const store = await createEventStore({ kind: 'pglite', dataDir: storeDir });
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: chdbDir, database: 'catchup' });
  await db.command('DROP DATABASE IF EXISTS `catchup`');
  await migrate(db);
  const spent = new Map<string, { calls: number; seconds: number; cpu: number; main: number }>();
  const add = (key: string, t0: bigint, c0: ReturnType<typeof cpu>) => {
    const c1 = cpu();
    const s = spent.get(key) ?? { calls: 0, seconds: 0, cpu: 0, main: 0 };
    s.calls += 1;
    s.seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    s.cpu += c1.process - c0.process;
    s.main += c1.main - c0.main;
    spent.set(key, s);
  };
  let stage = 'write';
  let chain: Promise<unknown> = Promise.resolve();
  // One chDB call at a time, so that each one's CPU is its own.
  const timed = <A extends unknown[], R>(kind: string, name: (first: A[0]) => string, f: (...a: A) => Promise<R>) => (...args: A): Promise<R> => {
    const run = chain.catch(() => undefined).then(async () => {
      const t0 = process.hrtime.bigint();
      const c0 = cpu();
      try {
        return await f(...args);
      } finally {
        add(`${stage} ${kind} ${name(args[0])}`, t0, c0);
      }
    });
    chain = run;
    return run;
  };
  const insert = db.insert.bind(db);
  const query = db.query.bind(db);
  const command = db.command.bind(db);
  const head = (sql: string) => sql.replace(/\s+/g, ' ').slice(0, 60);
  db.insert = timed('insert', (table) => table, insert);
  db.query = timed('query', (sql) => head(sql), query) as typeof db.query;
  db.command = timed('command', (sql) => head(sql), command);
  const projector = new Projector(db, { cacheSize: 100_000, refreshEveryMs: 3_600_000 });
  const total0 = cpu();
  const t0 = process.hrtime.bigint();
  let events = 0;
  let window: Awaited<ReturnType<typeof store.readAll>>['events'] = [];
  const step = async (f: () => Promise<unknown>, key: string) => {
    const s0 = process.hrtime.bigint();
    const c0 = cpu();
    await f();
    add(key, s0, c0);
  };
  for (let after = START; ; ) {
    let batch!: Awaited<ReturnType<typeof store.readAll>>;
    await step(async () => (batch = await store.readAll({ after, limit: 20_000 })), 'read store');
    if (batch.events.length) {
      window = window.concat(batch.events);
      after = batch.checkpoint;
    }
    if (window.length >= 50_000 || (!batch.events.length && window.length)) {
      let projected!: Awaited<ReturnType<Projector['project']>>;
      stage = 'project';
      await step(async () => (projected = await projector.project(window)), 'fold (project)');
      stage = 'write';
      await step(() => projector.write(projected), 'write (all)');
      events += window.length;
      window = [];
    }
    if (!batch.events.length) break;
  }
  stage = 'refresh';
  await step(() => projector.flush(), 'refresh (flush)');
  const total1 = cpu();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ events, seconds: +seconds.toFixed(2), mainCpu: +(total1.main - total0.main).toFixed(2), processCpu: +(total1.process - total0.process).toFixed(2), load: loadavg()[0] }));
  for (const [key, s] of [...spent].sort((x, y) => y[1].cpu - x[1].cpu)) console.log(`${s.cpu.toFixed(2).padStart(7)} cpu ${s.main.toFixed(2).padStart(7)} main ${s.seconds.toFixed(2).padStart(7)} s ${String(s.calls).padStart(4)}×  ${key}`);
  await store.close();
  await db.close();
}

/** The raw events insert alone, in 50 000-row inserts as a catch-up window writes them, with one variant (what it costs chDB). */
async function insertExperiment(storeDir: string, chdbDir: string, variant: string) {
  const store = await createEventStore({ kind: 'pglite', dataDir: storeDir });
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: chdbDir, database: 'catchup' });
  await db.command('DROP DATABASE IF EXISTS `catchup`');
  await migrate(db);
  if (variant.includes('nomv')) await db.command('DROP VIEW {{event_facts_feed}}');
  if (variant.includes('noproj')) await db.command('ALTER TABLE {{events}} DROP PROJECTION position_high_water');
  const all = [];
  for (let after = START; ; ) {
    const b = await store.readAll({ after, limit: 20_000 });
    if (!b.events.length) break;
    all.push(...b.events);
    after = b.checkpoint;
  }
  const chTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');
  const rows = all.map((e) => {
    const category = e.streamId.slice(0, e.streamId.indexOf('-'));
    return {
      event_id: e.eventId, stream_id: e.streamId, category, case_id: e.streamId.slice(category.length + 1), stream_version: e.streamVersion,
      position: e.globalPosition.toString(), type: e.type, schema_version: e.schemaVersion, occurred_at: chTime(e.occurredAt), recorded_at: chTime(e.recordedAt),
      actor_id: e.actor.staffId, actor_role: e.actor.role, project_id: e.projectId, correlation_id: e.correlationId, causation_id: e.causationId, data: JSON.stringify(e.data),
      case_number: e.caseNumber ?? '',
    };
  });
  const c0 = cpu();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 50_000) {
    const chunk = rows.slice(i, i + 50_000);
    if (variant.includes('plain')) {
      const names = Object.keys(chunk[0]);
      await db.client.insert({ table: db.table('events'), columns: names as [string, ...string[]], values: chunk.map((r) => names.map((n) => (r as Record<string, unknown>)[n])), format: 'JSONCompactEachRow', clickhouse_settings: variant.includes('best') ? { date_time_input_format: 'best_effort' } : {} });
    } else await db.insert('events', chunk, `events:${i}`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpu();
  console.log(JSON.stringify({ variant, rows: rows.length, seconds: +seconds.toFixed(2), mainCpu: +(c1.main - c0.main).toFixed(2), processCpu: +(c1.process - c0.process).toFixed(2), load: loadavg()[0] }));
  await store.close();
  await db.close();
}

const [mode, a, b] = process.argv.slice(2);
(mode === 'store' ? buildStore(a, Number(b)) : mode === 'read' ? read(a) : mode === 'phases' ? phases(a, b) : mode === 'insert' ? insertExperiment(a, b, process.argv[5] ?? 'base') : run(a, b)).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
