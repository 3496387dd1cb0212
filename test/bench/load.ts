/**
 * L workloads: the real server under HTTP load.
 *
 * The server is started as `npm start` starts it — `service-ledger start`, the embedded shape (PGlite + chDB +
 * projector + scheduler + notifier in one process) — in a child process on 127.0.0.1, on the sample company it seeds
 * on first start (5 projects, 12 months). With BENCH_LOAD_DIR that data folder is kept and reused. The load comes
 * from autocannon in another child process (load-client.ts), for a bounded time. Each workload is measured beside
 * the same load on a trivial route of the same server (a static asset: routing, middleware and serialisation only),
 * which is the HTTP "raw". Each pair runs BENCH_RUNS times; ratios are given as min / median / max.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenService } from '@service-ledger/auth';
import type { FromClient, LoadFigures, LoadJob, ToClient } from './load-client';
import { procCpu } from './proc-cpu';

export interface LoadRow {
  id: string;
  workload: string;
  runs: LoadFigures[];
  baseline: LoadFigures[];
  /** The server's event-loop delay during each measured run (ms), from its own /metrics. */
  loop: { p99: number; max: number }[];
  /**
   * The server's CPU time per request answered during each measured run (ms): its main thread (HTTP, commands, PGlite)
   * and the whole process (with the projector thread and chDB): what the throughput is made of. On a machine shared
   * with other work it varies too (2× between runs of one build at load average 20), though less than throughput.
   */
  cpu: ({ main: number; process: number } | null)[];
  target: string;
}

export interface LoadOptions {
  want: (id: string) => boolean;
  seconds: number;
  runs: number;
  readers: number;
  writers: number;
  port: number;
  dir?: string;
  log: (line: string) => void;
}

const SECRET = 'bench-load-secret-bench-load-secret-0000';
const METRICS_TOKEN = 'bench-load-metrics-token';
const PROJECTS = ['P01', 'P02', 'P03', 'P04', 'P05'];
/** A clock-free panel over a closed range (kept answers) and a clock-reading one over the default open range (never kept). */
export const READ_PATHS = {
  kept: '/api/dashboards/complaints/panels/complaints_by_nature/data?from=2025-12&to=2026-11',
  live: '/api/dashboards/sla/panels/on_time_by_clock/data',
};
const TRIVIAL = '/dashboards/assets/style.css';

/** Starts `service-ledger start` from the build and resolves once it serves and its projection has caught up. */
async function startServer(o: LoadOptions, dataDir: string, token: string): Promise<{ url: string; child: ChildProcess }> {
  const logFile = join(dataDir, '..', `server-${Date.now()}.log`);
  const out = createWriteStream(logFile);
  // Node's flags for the server: those `npm start` gives it (package.json), or BENCH_SERVER_NODE_ARGS instead (e.g. add
  // `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server under load: the profile is written when the bench stops it).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '..', '..', 'apps', 'cli', 'src', 'main.js'), 'start'], {
    env: { ...process.env, SL_DATA_DIR: dataDir, SL_HOST: '127.0.0.1', SL_PORT: String(o.port), SL_AUTH_SECRET: SECRET, SL_SEED: 'true', SL_METRICS_TOKEN: METRICS_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(out);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (seen.length < 100_000) seen += chunk.toString();
      const m = /is running at (http:\/\/[^\s]+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it served: see ${logFile}`)));
  });
  o.log(`L: server at ${url} (log ${logFile})`);
  for (;;) {
    const r = await fetch(`${url}${READ_PATHS.live}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { projection?: { behind: number | null; position: string } };
    if (r.ok && body.projection?.behind === 0) {
      o.log(`L: projection caught up at position ${body.projection.position}`);
      break;
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  return { url, child };
}

/** Waits until the projection has caught up with the store, so one run's writes do not weigh on the next run. */
async function settle(url: string, token: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`${url}${READ_PATHS.live}`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    const body = r?.ok ? ((await r.json()) as { projection?: { behind: number | null } }) : null;
    if (body?.projection?.behind === 0) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/**
 * The server's event-loop delay since the previous call (prom-client resets its histogram at every scrape): how long
 * the one thread was busy with something else (the projector folding a batch, PGlite, JSON) while requests waited.
 */
async function loopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: value('nodejs_eventloop_lag_p99_seconds'), max: value('nodejs_eventloop_lag_max_seconds') };
}

/**
 * Runs jobs at once, each in a client process of its own (load-client.ts): every client first connects all its
 * connections, then `atWindow` runs and all are told to go together, so they measure the same window.
 */
async function load(jobs: LoadJob[], atWindow: () => Promise<void> = async () => undefined): Promise<LoadFigures[]> {
  const clients = jobs.map((job) => {
    const child = fork(join(__dirname, 'load-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let connect!: (m: { connected: number; connectSeconds: number }) => void;
    const connected = new Promise<{ connected: number; connectSeconds: number }>((resolve) => (connect = resolve));
    const figures = new Promise<LoadFigures>((resolve, reject) => {
      child.on('message', (m: FromClient) => ('error' in m ? reject(new Error(m.error)) : 'figures' in m ? resolve(m.figures) : connect(m)));
      child.once('exit', (code) => code !== 0 && reject(new Error(`load client exited ${code}`)));
    });
    child.send({ job } satisfies ToClient);
    return { child, connected, figures };
  });
  try {
    await Promise.all(clients.map((c) => Promise.race([c.connected, c.figures])));
    await atWindow();
    for (const c of clients) c.child.send({ go: true } satisfies ToClient);
    return await Promise.all(clients.map((c) => c.figures));
  } catch (error) {
    // One client failed: the others would wait for `go` and keep loading the server; stop them too.
    for (const c of clients) if (c.child.exitCode === null) c.child.kill();
    throw error;
  }
}

export async function loadWorkloads(o: LoadOptions): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const scratch = o.dir ?? mkdtempSync(join(tmpdir(), 'sl-bench-load-'));
  // A given folder is kept and reused; the first run creates it (the server's log is written into it).
  mkdirSync(scratch, { recursive: true });
  const dataDir = join(scratch, 'data');
  const tokens = new TokenService(SECRET);
  const reader = tokens.issue({ staffId: 'bench-gm', role: 'gm_office', projects: '*', permissions: [] }, '8h');
  const writer = tokens.issue({ staffId: 'bench-desk', role: 'receptionist', projects: '*', permissions: [] }, '8h');
  const { url, child } = await startServer(o, dataDir, reader);
  const job = (path: string, connections: number, kind: LoadJob['kind'], token = reader): LoadJob => ({ url: `${url}${path}`, connections, seconds: o.seconds, token, kind, projects: PROJECTS });
  // Untimed: the first seconds after a start run on cold code (JIT, chDB's first reads) and the parts' start work.
  await load([{ ...job(READ_PATHS.kept, o.readers, 'read'), seconds: Math.min(5, o.seconds) }]);
  await load([{ ...job(TRIVIAL, o.readers, 'read'), seconds: Math.min(5, o.seconds) }]);
  const measure = async (jobs: LoadJob[]) => {
    await settle(url, reader);
    const window: { cpu: ReturnType<typeof procCpu> } = { cpu: null };
    // The server's event-loop histogram and CPU are taken from the window's start: connecting is not measured.
    const figures = await load(jobs, async () => {
      await loopDelay(url);
      window.cpu = procCpu(child.pid);
    });
    const before = window.cpu;
    const after = procCpu(child.pid);
    const requests = figures.reduce((n, f) => n + f.requests, 0);
    const cpu = before && after && requests > 0 ? { main: ((after.main - before.main) * 1000) / requests, process: ((after.process - before.process) * 1000) / requests } : null;
    return { figures, loop: await loopDelay(url), cpu };
  };
  const trivial = async (connections: number) => (await measure([job(TRIVIAL, connections, 'read')])).figures[0];
  const pair = async (id: string, workload: string, target: string, measured: LoadJob) => {
    const row: LoadRow = { id, workload, runs: [], baseline: [], loop: [], cpu: [], target };
    for (let run = 0; run < o.runs; run++) {
      const m = await measure([measured]);
      row.runs.push(m.figures[0]);
      row.loop.push(m.loop);
      row.cpu.push(m.cpu);
      row.baseline.push(await trivial(measured.connections));
      const last = row.runs[row.runs.length - 1];
      o.log(`${id} run ${run + 1}: ${last.perSecond.toFixed(0)} req/s, p50 ${last.p50} ms, p99 ${last.p99} ms, max ${last.max} ms, non-2xx ${last.non2xx}, errors ${last.errors}, ${connectText(last)}, event-loop delay p99 ${m.loop.p99.toFixed(0)} ms, server CPU per request ${cpuText(m.cpu)} (trivial route ${row.baseline[row.baseline.length - 1].perSecond.toFixed(0)} req/s)`);
    }
    rows.push(row);
  };
  try {
    if (o.want('L1')) {
      await pair('L1 kept', `reads: ${o.readers} clients, a clock-free panel over a closed range (answers kept)`, '≥ 300 req/s, p99 < 300 ms', job(READ_PATHS.kept, o.readers, 'read'));
      await pair('L1 live', `reads: ${o.readers} clients, a clock-reading panel over the open default range (never kept; identical queries in flight shared)`, 'report', job(READ_PATHS.live, o.readers, 'read'));
    }
    if (o.want('L2')) {
      await pair('L2', `writes: ${o.writers} clients sending ReceiveComplaint (new ids each, 5 projects)`, 'p99 < 500 ms', job('/api/commands/ReceiveComplaint', o.writers, 'command', writer));
    }
    if (o.want('L3')) {
      // Writers and readers at once: do commands wait behind analytics queries (and the projector's writes)?
      const row: LoadRow = { id: 'L3 writes', workload: `mixed: ${o.writers} writers while ${o.readers} clients read the live panel; writes measured`, runs: [], baseline: [], loop: [], cpu: [], target: 'p99 < 500 ms' };
      const reads: LoadRow = { id: 'L3 reads', workload: `mixed: ${o.readers} clients read the live panel while ${o.writers} write; reads measured`, runs: [], baseline: [], loop: [], cpu: [], target: 'report' };
      for (let run = 0; run < o.runs; run++) {
        const m = await measure([job('/api/commands/ReceiveComplaint', o.writers, 'command', writer), job(READ_PATHS.live, o.readers, 'read')]);
        const [w, r] = m.figures;
        row.runs.push(w);
        reads.runs.push(r);
        row.loop.push(m.loop);
        reads.loop.push(m.loop);
        // Per request of either kind: the two share the thread.
        row.cpu.push(m.cpu);
        reads.cpu.push(m.cpu);
        // The trivial route under all of the mixed run's clients at once.
        const base = await trivial(o.writers + o.readers);
        row.baseline.push(base);
        reads.baseline.push(base);
        o.log(`L3 run ${run + 1}: writes ${w.perSecond.toFixed(0)} req/s p99 ${w.p99} ms max ${w.max} ms (${connectText(w)}); reads ${r.perSecond.toFixed(0)} req/s p99 ${r.p99} ms (${connectText(r)}); non-2xx ${w.non2xx}/${r.non2xx}; server CPU per request ${cpuText(m.cpu)}`);
      }
      rows.push(row, reads);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
    if (!o.dir) rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

const connectText = (f: LoadFigures) => `${f.connected} of ${f.connections} connections answered ${f.connectSeconds.toFixed(1)} s after the first request`;
const cpuText = (cpu: { main: number; process: number } | null) => (cpu ? `main thread ${cpu.main.toFixed(2)} ms, process ${cpu.process.toFixed(2)} ms` : 'unknown');

/** min / median / max of a figure over the runs. */
export function spread(xs: number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
}

/** The L table: per row the median run's figures, the ratio to the trivial route as min/median/max, errors. */
export function loadTable(rows: LoadRow[]): string[] {
  const lines = [
    '| id | workload | requests/s (median run) | p50 / p90 / p99 / max ms | non-2xx, errors | server event-loop delay p99 / max ms | connecting: every connection answered after (s), min / max of runs | trivial route, same clients: req/s, p99 | req/s ÷ trivial: min / median / max | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const order = r.runs.map((f, i) => [f.perSecond, i] as const).sort((a, b) => a[0] - b[0]);
    const median = order[Math.floor((order.length - 1) / 2)][1];
    const m = r.runs[median];
    const b = r.baseline[median];
    const l = r.loop[median];
    const ratio = spread(r.runs.map((f, i) => f.perSecond / Math.max(1e-9, r.baseline[i].perSecond)));
    const bad = r.runs.reduce((n, f) => n + f.non2xx, 0);
    const errors = r.runs.reduce((n, f) => n + f.errors + f.timeouts, 0);
    const codes = [...new Set(r.runs.flatMap((f) => Object.keys(f.statusCodes)))].join(', ');
    lines.push(
      `| ${r.id} | ${r.workload} | ${m.perSecond.toFixed(0)} | ${m.p50} / ${m.p90} / ${m.p99} / ${m.max} | ${bad}, ${errors} (status ${codes}) | ${l.p99.toFixed(0)} / ${l.max.toFixed(0)} | ${connectSpread(r.runs)} | ${b.perSecond.toFixed(0)}, ${b.p99} ms | ${pctText(ratio.min)} / ${pctText(ratio.median)} / ${pctText(ratio.max)} | ${r.target} |`,
    );
  }
  return lines;
}

/** The connecting phase's length over the runs, and a note when some connection never answered before the window. */
const connectSpread = (runs: LoadFigures[]) => {
  const s = spread(runs.map((f) => f.connectSeconds));
  const short = runs.filter((f) => f.connected < f.connections).length;
  return `${s.min.toFixed(1)} / ${s.max.toFixed(1)}${short ? ` (${short} run(s) started with connections missing)` : ''}`;
};
const pctText = (x: number) => `${(x * 100).toFixed(0)} %`;
