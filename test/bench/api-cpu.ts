/**
 * The API's own CPU per panel request, without the query: a server process answers
 * GET /api/dashboards/<d>/panels/<p>/data (company-wide token, closed range, panel cache off) from an analytics stub
 * that hands back a fixed rows text, and this process asks it N times on one kept-alive connection and reads the
 * server's process.cpuUsage() before and after. What is left is the route's cost beyond the query: Node http,
 * Express, helmet, Nest (guard, pipes, filter), the request log line, the gate, the answer's JSON.
 *
 *   node dist/test/bench/api-cpu.js [requests=2000] [rounds=6] [distA] [distB]
 *
 * With two dist folders (two builds), rounds alternate A B A B… (a fresh server per round, the same warm-up), so a
 * shared machine's load falls on both alike. API_CPU_PROF=<folder> adds --cpu-prof to the servers. Never part of
 * `npm test`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { procCpu } from './proc-cpu';

const PANEL = { dashboard: 'sla', panel: 'on_time_by_clock' };
/** 40 rows of a typical panel shape (month, project, counts, a ratio), as chDB's JSONEachRow writes them. */
const ROWS = `[${Array.from({ length: 40 }, (_, i) => JSON.stringify({ month: `2026-${String((i % 12) + 1).padStart(2, '0')}-01`, project_id: `P${String(i % 20).padStart(2, '0')}`, clock: 'response', total: 120 + i, on_time: 100 + i, ratio: (100 + i) / (120 + i) })).join(',')}]`;

async function server(dist: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require(join(dist, 'libs/api/src/index.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ANALYTICS } = require(join(dist, 'libs/analytics/src/index.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TokenService } = require(join(dist, 'libs/auth/src/index.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createEventStore } = require(join(dist, 'libs/event-store/src/index.js'));
  const q = (name: string) => `\`big\`.\`${name}\``;
  const stub = {
    database: 'big',
    kind: 'chdb',
    table: q,
    sql: (t: string) => t.replace(/\{\{(\w+)\}\}/g, (_: string, n: string) => q(n)),
    query: async () => [],
    queryRowsJson: async () => {
      // The answer arrives on a later turn, as chDB's does.
      await new Promise((r) => setImmediate(r));
      return ROWS;
    },
    projectionPosition: async () => ({ position: '11404251', lastEventRecordedAt: '2026-11-19T23:59:00Z', events: 11404251 }),
    ping: async () => undefined,
    withDatabase() {
      return stub;
    },
    scheduled() {
      return stub;
    },
    close: async () => undefined,
  };
  const store = await createEventStore({ kind: 'pglite' });
  const tokens = new TokenService('bench-secret-bench-secret-bench-secret-0000');
  // The request log at info, as the server runs, into a sink: its line is part of what a request costs.
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const app = await api.createApp({ store, tokens, logLevel: process.env.API_CPU_LOG ?? 'info', logStream: sink, modules: [api.DashboardsModule.register({ cacheEntries: 0 })], providers: [{ provide: ANALYTICS, useValue: stub }] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const token = tokens.issue({ staffId: 'bench', role: 'gm_office', projects: '*', permissions: [] });
  process.on('message', async (m: string) => {
    // The whole process (process.cpuUsage) and its main thread alone (/proc: utime + stime in clock ticks of 10 ms).
    if (m === 'cpu') { (global as unknown as { gc?: () => void }).gc?.(); process.send!({ cpu: process.cpuUsage(), mainCpu: procCpu()?.main ?? NaN, heap: process.memoryUsage().heapUsed }); }
    if (m === 'stop') {
      await app.close();
      await store.close();
      process.exit(0);
    }
  });
  process.send!({ port, token });
}

function ask(child: ChildProcess, what: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Record<string, unknown>));
    child.send(what);
  });
}

async function round(dist: string, requests: number): Promise<{ cpuUs: number; userUs: number; mainUs: number; clientUs: number; wallMs: number; body: string }> {
  const prof = process.env.API_CPU_PROF;
  const child = fork(__filename, ['server', dist], { execArgv: ['--max-semi-space-size=64', ...(process.env.API_CPU_HEAP ? ['--expose-gc'] : []), ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port, token } = (await new Promise((r) => child.once('message', r))) as { port: number; token: string };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = `http://127.0.0.1:${port}/api/dashboards/${PANEL.dashboard}/panels/${PANEL.panel}/data?from=2025-12&to=2026-11`;
  let body = '';
  const get = () =>
    new Promise<void>((ok, fail) => {
      httpGet(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return fail(new Error(`${res.statusCode}: ${body}`));
          ok();
        });
      }).on('error', fail);
    });
  for (let i = 0; i < Math.min(1000, requests); i++) await get();
  const first = await ask(child, 'cpu');
  const before = first.cpu as NodeJS.CpuUsage;
  const t0 = process.hrtime.bigint();
  const client0 = process.cpuUsage();
  for (let i = 0; i < requests; i++) await get();
  const client = process.cpuUsage(client0);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const last = await ask(child, 'cpu');
  const after = last.cpu as NodeJS.CpuUsage;
  if (process.env.API_CPU_HEAP) process.stderr.write(`heap after gc: ${first.heap} → ${last.heap} bytes, ${(((last.heap as number) - (first.heap as number)) / requests).toFixed(0)} bytes per request\n`);
  const mainUs = (((last.mainCpu as number) - (first.mainCpu as number)) * 1e6) / requests;
  agent.destroy();
  const exited = new Promise((r) => child.once('exit', r));
  child.send('stop');
  await exited;
  return { cpuUs: (after.user - before.user + after.system - before.system) / requests, userUs: (after.user - before.user) / requests, mainUs, clientUs: (client.user + client.system) / requests, wallMs: wallMs / requests, body };
}

async function main(): Promise<void> {
  const [requests = 2000, rounds = 6] = process.argv.slice(2, 4).map(Number);
  const dists = process.argv.slice(4).map((d) => resolve(d));
  if (dists.length === 0) dists.push(resolve(__dirname, '../..'));
  const figures = dists.map(() => [] as number[]);
  const walls = dists.map(() => [] as number[]);
  const bodies = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    for (const [i, dist] of dists.entries()) {
      const f = await round(dist, requests);
      figures[i].push(f.cpuUs);
      walls[i].push(f.wallMs);
      bodies.add(f.body);
      process.stderr.write(`round ${r + 1} ${dist}: server CPU ${f.cpuUs.toFixed(0)} µs/request (user ${f.userUs.toFixed(0)}, main thread ${f.mainUs.toFixed(0)}), client CPU ${f.clientUs.toFixed(0)} µs, wall ${(f.wallMs * 1000).toFixed(0)} µs/request\n`);
    }
  }
  const spread = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0].toFixed(0)} / ${s[Math.floor(s.length / 2)].toFixed(0)} / ${s[s.length - 1].toFixed(0)}`;
  };
  for (const [i, dist] of dists.entries()) process.stdout.write(`${dist}: server CPU µs/request min/median/max ${spread(figures[i])}; wall µs ${spread(walls[i].map((w) => w * 1000))}\n`);
  process.stdout.write(`distinct answer bodies: ${bodies.size}\n`);
}

if (process.argv[2] === 'server') void server(process.argv[3]);
else void main();
