/**
 * Where P4's API side spends its wall time beyond the query: P4's setting (the API in this process, node:http on one
 * kept-alive connection, panel cache off, the big dataset, raw and API alternating), with the API's analytics wrapped
 * to time its own query and the server's request and finish events marked. Per request: client → server `request`
 * event, request → query start (middleware, guard, route), query, query end → response finished (answer, send), finish
 * → the client has read and parsed the body; and the API's query against the raw one.
 *
 *   node dist/test/bench/p4-phases.js <chdb folder holding the big dataset> [rounds=3]
 *
 * Never part of `npm test`.
 */
import { ANALYTICS, ClickHouseAnalytics, type Analytics } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { createApp, DashboardsModule } from '@service-ledger/api';
import { createEventStore } from '@service-ledger/event-store';
import { DASHBOARDS, panelParams, parseFilters, toApiSql } from '@service-ledger/dashboards';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { panelGetter } from './p4';

const now = () => Number(process.hrtime.bigint()) / 1e3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [dir, roundsText = '3'] = process.argv.slice(2);
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: dir, database: 'big' });
  const marks = { arrive: 0, queryStart: 0, queryEnd: 0, finish: 0 };
  // The API's client: the same one, its panel query timed.
  const timed: Analytics = Object.assign(Object.create(db) as Analytics, {
    queryRowsJson: async (sql: string, params?: Record<string, unknown>) => {
      marks.queryStart = now();
      const rows = await db.queryRowsJson(sql, params);
      marks.queryEnd = now();
      return rows;
    },
  });
  const store = await createEventStore({ kind: 'pglite' });
  const tokens = new TokenService('bench-secret-bench-secret-bench-secret-0000');
  const app = await createApp({ store, tokens, logLevel: 'silent', modules: [DashboardsModule.register({ cacheEntries: 0 })], providers: [{ provide: ANALYTICS, useValue: timed }] });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    marks.arrive = now();
    res.once('finish', () => (marks.finish = now()));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const token = tokens.issue({ staffId: 'bench', role: 'gm_office', projects: '*', permissions: [] });
  const range = { from: '2025-12', to: '2026-11' };
  const params = panelParams(parseFilters(range, new Date('2026-11-20T00:00:00Z'), 'Asia/Shanghai'), [], 'Asia/Shanghai');
  const panels = DASHBOARDS.flatMap((d) => d.panels.map((p) => ({ path: `${base}/api/dashboards/${d.id}/panels/${p.id}/data?from=${range.from}&to=${range.to}`, sql: toApiSql(p.sql, (t) => db.table(t)) })));
  const { get, close } = panelGetter(token);
  for (const p of panels) await get(p.path);
  const rows: Record<string, number>[] = [];
  for (let round = 0; round < Number(roundsText); round++) {
    for (const p of panels) {
      const row: Record<string, number> = {};
      const sides = [
        async () => {
          const t0 = now();
          await get(p.path);
          const t1 = now();
          Object.assign(row, { api: t1 - t0, apiQuery: marks.queryEnd - marks.queryStart, toServer: marks.arrive - t0, toQuery: marks.queryStart - marks.arrive, toFinish: marks.finish - marks.queryEnd, toClient: t1 - marks.finish });
        },
        async () => {
          const t0 = now();
          await db.query(p.sql, params);
          row.raw = now() - t0;
        },
      ];
      if (round % 2) sides.reverse();
      for (const side of sides) await side();
      rows.push(row);
    }
  }
  const m = (f: (r: Record<string, number>) => number) => median(rows.map(f)).toFixed(0);
  process.stdout.write(
    `${rows.length} requests a side, medians in µs: API ${m((r) => r.api)}, raw ${m((r) => r.raw)}, API − raw ${m((r) => r.api - r.raw)}; ` +
      `the API's query − raw ${m((r) => r.apiQuery - r.raw)}; API − its query ${m((r) => r.api - r.apiQuery)} = client → server ${m((r) => r.toServer)}, ` +
      `request → query start ${m((r) => r.toQuery)}, query end → response finished ${m((r) => r.toFinish)}, finished → client has parsed ${m((r) => r.toClient)}\n`,
  );
  close();
  await app.close();
  await store.close();
  await db.close();
}

void main();
