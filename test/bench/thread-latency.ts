/**
 * How long an API read waits in the projector thread while it folds a catch-up (a loaded-machine micro-bench, not a
 * spec). In one process, as the embedded start does: the thread is started, a catch-up of `EVENTS` sample events is
 * projected in subscription batches of 5 000 (fed in slices of 1 000), and meanwhile a cheap read of the clocks is
 * sent through the port every 20 ms; prints the reads' latency p50/p99/max and the catch-up's duration.
 * Run from sources: node test/bench/run-ts.js test/bench/thread-latency.ts [label]
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bulkEvents } from '@service-ledger/seed';
import type { EventEnvelope } from '@service-ledger/core';
import { Metrics } from '@service-ledger/telemetry';
import { ClickHouseAnalytics, migrate, Projector } from '@service-ledger/analytics';
import { AnalyticsThread } from '../../libs/runtime/src/embedded/analytics-thread';

const EVENTS = Number(process.env.EVENTS ?? 30_000);
const label = process.argv[2] ?? '';
/** READ=param: the read carries a query parameter, as the panels' do (chdb chains those process-wide); else none. */
const READ_PARAMS: Record<string, unknown> = process.env.READ === 'param' ? { from: '2000-01-01 00:00:00' } : {};
const READ = `SELECT clock, count() AS n FROM {{sla_clocks}} FINAL${process.env.READ === 'param' ? ' WHERE started_at >= {from:DateTime64(3)}' : ''} GROUP BY clock ORDER BY clock`;

async function main() {
  const events: EventEnvelope[] = [];
  for (const batch of bulkEvents({ projects: 3, months: 12, seed: 7, until: new Date('2026-06-01T00:00:00Z') }, 5000)) {
    for (const e of batch) if (events.length < EVENTS) events.push(e);
    if (events.length >= EVENTS) break;
  }
  const path = `/tmp/worker2/thread-latency-${process.pid}`;
  rmSync(path, { recursive: true, force: true });
  if (process.env.MODE === 'fold') return fold(events, path);
  const thread = await AnalyticsThread.start({ analytics: { kind: 'chdb', path, database: 'ledger' }, timeZone: 'Asia/Shanghai' }, new Metrics('bench'), () => undefined);
  const db = thread.analytics;
  // First batch outside the measurement so the read has clocks to count.
  await thread.project(events.slice(0, 5000));
  const latencies: number[] = [];
  let reading = true;
  const inFlight: Promise<void>[] = [];
  const reader = (async () => {
    while (reading) {
      const started = performance.now();
      inFlight.push(db.query(READ, READ_PARAMS).then(() => void latencies.push(performance.now() - started)));
      await sleep(20);
    }
  })();
  const started = performance.now();
  const batchMs: number[] = [];
  for (let i = 5000; i < events.length; i += 5000) {
    const t = performance.now();
    await thread.project(events.slice(i, i + 5000));
    batchMs.push(performance.now() - t);
  }
  const catchUp = performance.now() - started;
  reading = false;
  await reader;
  await Promise.all(inFlight);
  await thread.close();
  rmSync(path, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(0);
  console.log(`${label} events=${events.length - 5000} catch-up=${(catchUp / 1000).toFixed(1)}s batch(5000) median=${batchMs.sort((a, b) => a - b)[batchMs.length >> 1].toFixed(0)}ms reads=${latencies.length} p50=${q(0.5)}ms p99=${q(0.99)}ms max=${latencies[latencies.length - 1].toFixed(0)}ms`);
}

/** MODE=fold: the Projector on this thread, slices of 1 000 — how long the fold (project) and the write each take. */
async function fold(events: EventEnvelope[], path: string) {
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path, database: 'ledger' });
  await migrate(db);
  const projector = new Projector(db, { timeZone: 'Asia/Shanghai' });
  const folds: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    let t = performance.now();
    const projected = await projector.project(events.slice(i, i + 1000));
    folds.push(performance.now() - t);
    t = performance.now();
    await projector.write(projected);
    writes.push(performance.now() - t);
  }
  await db.close();
  rmSync(path, { recursive: true, force: true });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(0);
  console.log(`${label} slices(1000)=${folds.length} fold median=${median(folds)}ms max=${Math.max(...folds).toFixed(0)}ms write median=${median(writes)}ms max=${Math.max(...writes).toFixed(0)}ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
