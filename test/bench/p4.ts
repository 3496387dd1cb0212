/**
 * P4: every panel of every dashboard, through the API and straight on chDB (the same SQL text, the same bound
 * parameters), alternating request by request so both see the same machine. The API runs with its panel cache off
 * (the figures are the query path: token check, filter parsing, the read gate, JSON); a last overall row shows
 * what the cache does to a repeated closed-range request. Rounds are split into BENCH_RUNS runs for the ratios.
 */
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { createApp, DashboardsModule, readsTheClock } from '@service-ledger/api';
import { createEventStore } from '@service-ledger/event-store';
import { DASHBOARDS, panelParams, parseFilters, toApiSql } from '@service-ledger/dashboards';
import { Agent, get as httpGet } from 'node:http';
import { spread } from './load';

export interface PanelFigures {
  panel: string;
  api: number[];
  raw: number[];
}

export interface P4Result {
  panels: PanelFigures[];
  /** Per run: API and raw percentiles over every panel's requests of that run. */
  runs: { api: Record<Pct, number>; raw: Record<Pct, number> }[];
  cached: number[];
}

type Pct = 50 | 95 | 99;
const PCTS: Pct[] = [50, 95, 99];
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * GETs a panel answer as P4's API side does: node:http on one kept-alive connection, not fetch — the client runs in
 * the bench's process on the same two cores, and undici's fetch (WHATWG streams, Headers objects) cost ≈ 0.85 ms of
 * CPU a request, which the API side was charged with. The answer is still read whole and parsed, as the raw side's
 * rows are; anything but 200 rejects with the answer's text. `close` ends the kept connection.
 */
export function panelGetter(token: string): { get: (url: string) => Promise<void>; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url: string) =>
    new Promise<void>((resolve, reject) => {
      httpGet(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`P4: ${url} answered ${res.statusCode}: ${text}`));
          try {
            JSON.parse(text);
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      }).on('error', reject);
    });
  return { get, close: () => agent.destroy() };
}

export async function p4(db: Analytics, o: { until: Date; rounds: number; runs: number; log: (line: string) => void }): Promise<P4Result> {
  // The API's event store is only for its own bookkeeping here: the panels read the big projected dataset.
  const store = await createEventStore({ kind: 'pglite' });
  const tokens = new TokenService('bench-secret-bench-secret-bench-secret-0000');
  const app = await createApp({ store, tokens, logLevel: 'silent', modules: [DashboardsModule.register({ cacheEntries: 0 })], providers: [{ provide: ANALYTICS, useValue: db }] });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const token = tokens.issue({ staffId: 'bench', role: 'gm_office', projects: '*', permissions: [] });
  // The last 12 months, a closed range as the page asks for a past year; the baseline binds exactly what the API binds.
  const range = { from: '2025-12', to: '2026-11' };
  const params = panelParams(parseFilters(range, o.until, 'Asia/Shanghai'), [], 'Asia/Shanghai');
  const panels = DASHBOARDS.flatMap((d) => d.panels.map((p) => ({ id: `${d.id}/${p.id}`, path: `${base}/api/dashboards/${d.id}/panels/${p.id}/data?from=${range.from}&to=${range.to}`, sql: toApiSql(p.sql, (t) => db.table(t)), keepable: !readsTheClock(p.sql) })));
  const figures = new Map(panels.map((p) => [p.id, { panel: p.id, api: [] as number[], raw: [] as number[] }]));
  const { get, close } = panelGetter(token);
  // One untimed pass: the first query of a panel loads its marks and columns from disk on both sides alike.
  for (const p of panels) await get(p.path);
  const runs: P4Result['runs'] = [];
  const perRun = Math.max(1, Math.ceil(o.rounds / o.runs));
  for (let run = 0; run < o.runs; run++) {
    const api: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < perRun; round++) {
      // Which side goes first alternates, so neither always finds the other's work in the caches.
      for (const p of panels) {
        const f = figures.get(p.id)!;
        const sides = [
          async () => {
            const t0 = process.hrtime.bigint();
            await get(p.path);
            const t = ms(t0);
            f.api.push(t);
            api.push(t);
          },
          async () => {
            const t0 = process.hrtime.bigint();
            await db.query(p.sql, params);
            const t = ms(t0);
            f.raw.push(t);
            raw.push(t);
          },
        ];
        if (round % 2) sides.reverse();
        for (const side of sides) await side();
      }
    }
    runs.push({ api: pcts(api), raw: pcts(raw) });
    o.log(`P4 run ${run + 1}/${o.runs}: API p50/p95/p99 ${PCTS.map((q) => runs[run].api[q].toFixed(1)).join('/')} ms, raw ${PCTS.map((q) => runs[run].raw[q].toFixed(1)).join('/')} ms`);
  }
  await app.close();
  // The same requests with the cache on, each asked twice: the second is what a repeated closed-range read costs.
  const cachedApp = await createApp({ store, tokens, logLevel: 'silent', modules: [DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
  await cachedApp.listen(0, '127.0.0.1');
  const cachedBase = `http://127.0.0.1:${(cachedApp.getHttpServer().address() as { port: number }).port}`;
  const cached: number[] = [];
  // Only the panels whose answers may be kept: the clock-reading ones are asked again every time.
  for (const p of panels.filter((x) => x.keepable)) {
    const url = p.path.replace(base, cachedBase);
    await get(url);
    const t0 = process.hrtime.bigint();
    await get(url);
    cached.push(ms(t0));
  }
  await cachedApp.close();
  close();
  await store.close();
  return { panels: [...figures.values()], runs, cached };
}

const pcts = (xs: number[]) => Object.fromEntries(PCTS.map((q) => [q, pct(xs, q)])) as Record<Pct, number>;

/** The per-panel table and the overall rows (ratios raw ÷ API as min / median / max over the runs). */
export function p4Table(r: P4Result, events: number, projects: number): string[] {
  const lines = [
    `P4 — every panel at ${events} events, ${projects} projects, 12-month closed range, company scope; ${r.panels[0]?.api.length ?? 0} requests a side per panel`,
    '',
    '| panel | API p50 / p95 / p99 ms | raw chDB p50 / p95 / p99 ms | API overhead at p95 | p95 < 150 ms |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const f of r.panels) {
    const a = pcts(f.api);
    const w = pcts(f.raw);
    lines.push(`| ${f.panel} | ${PCTS.map((q) => a[q].toFixed(1)).join(' / ')} | ${PCTS.map((q) => w[q].toFixed(1)).join(' / ')} | ${((a[95] / w[95] - 1) * 100).toFixed(0)} % | ${a[95] < 150 ? 'yes' : 'NO'} |`);
  }
  const all = { api: pcts(r.panels.flatMap((f) => f.api)), raw: pcts(r.panels.flatMap((f) => f.raw)) };
  for (const q of PCTS) {
    const ratio = spread(r.runs.map((run) => run.raw[q] / run.api[q]));
    lines.push(`| **all panels p${q}** | ${all.api[q].toFixed(1)} | ${all.raw[q].toFixed(1)} | raw ÷ API per run: ${(ratio.min * 100).toFixed(0)} / ${(ratio.median * 100).toFixed(0)} / ${(ratio.max * 100).toFixed(0)} % (min / median / max; target ≥ 91 %, overhead < 10 %) | ${q === 95 ? (r.panels.every((f) => pct(f.api, 95) < 150) ? 'every panel' : `${r.panels.filter((f) => pct(f.api, 95) >= 150).length} panels over`) : ''} |`);
  }
  const c = pcts(r.cached);
  lines.push(`| **the ${r.cached.length} clock-free panels, cache on, repeated request** | ${PCTS.map((q) => c[q].toFixed(1)).join(' / ')} | — | — | — |`);
  return lines;
}
