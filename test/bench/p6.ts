/**
 * P6 alone, with its breakdown: `node dist/test/bench/p6.js` builds (or reuses) a big dataset in BENCH_CHDB_DIR and
 * times the monthly KPI export as the CLI and the API run it — the workbook's sheets written as their figures arrive
 * (`startKpiExport`) — with when the last figure arrived, the time some query was running in chDB (each one's by its
 * first words, without parsing its rows) and the peak heap.
 * BENCH_P6_SERIAL=1 builds every figure first and writes the workbook after (the export before issue 20's overlap).
 * A mid-size trial that fits a shared machine: BENCH_BIG_EVENTS=2000000 (200 000 projected, copied ×10 to 200
 * projects). BENCH_P6_ROUNDS exports in a row (default 2: the first warms chDB's caches), each reported with its CPU
 * seconds (chDB's threads included), which compare better than wall time on a shared machine, the main thread's CPU
 * seconds (the workbook's writer and the rows' parsing) and when each figure arrived.
 * BENCH_P6_WRITES=n then writes the workbook n more times from the last round's figures, all in hand: the writer alone,
 * each write's wall and CPU time (no query running), for comparing two builds of the writer.
 */
import 'reflect-metadata';
import { buildKpiExport, figuresOf, type KpiExport, startKpiExport, toWorkbook } from '@service-ledger/exports';
import { bigDataset } from './big-dataset';
import { procCpu } from './proc-cpu';

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (line: string) => console.log(`[p6] ${line}`);

async function main() {
  const dir = process.env.BENCH_CHDB_DIR;
  if (!dir) throw new Error('BENCH_CHDB_DIR is required (the dataset is kept there)');
  const big = await bigDataset({
    dir, events: Number(process.env.BENCH_BIG_EVENTS ?? 2_000_000), projects: Number(process.env.BENCH_BIG_PROJECTS ?? 200),
    baseProjects: Number(process.env.BENCH_BIG_BASE_PROJECTS ?? 20), until: new Date('2026-11-20T00:00:00Z'), log,
  });
  // Every query's time in chDB (until its answer is there, before its rows are parsed), keyed by its first words and
  // summed over the export; and the intervals some query was running.
  const spent = new Map<string, number>();
  const running: [bigint, bigint][] = [];
  const client = big.db.client;
  const send = client.query.bind(client);
  client.query = (async (p: Parameters<typeof send>[0]) => {
    const t = process.hrtime.bigint();
    try {
      return await send(p);
    } finally {
      const key = p.query.replace(/`[^`]+`\.`(\w+)`/g, '{{$1}}').replace(/\s+/g, ' ').slice(0, 90);
      spent.set(key, (spent.get(key) ?? 0) + seconds(t));
      running.push([t, process.hrtime.bigint()]);
    }
  }) as typeof client.query;
  const busy = () => {
    let total = 0n;
    let until = 0n;
    for (const [a, b] of running.sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      if (b > until) total += b - (a > until ? a : until);
      if (b > until) until = b;
    }
    return Number(total) / 1e9;
  };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
  const rounds = Number(process.env.BENCH_P6_ROUNDS ?? 2);
  const serial = process.env.BENCH_P6_SERIAL === '1';
  for (let round = 1; round <= rounds; round++) {
    spent.clear();
    running.length = 0;
    peak = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    // The workbook is written on the main thread: wall time minus its CPU is the time the writer waited for figures.
    const main0 = procCpu()?.main ?? NaN;
    let figuresIn = 0;
    const arrived: string[] = [];
    let data: KpiExport;
    let file: Buffer;
    if (serial) {
      data = await buildKpiExport(big.db, { month: '2026-10' });
      figuresIn = seconds(t0);
      file = await toWorkbook(data);
    } else {
      const figures = await startKpiExport(big.db, { month: '2026-10' });
      for (const [name, part] of Object.entries(figures)) void (part as Promise<unknown>).then(() => arrived.push(`${name} ${seconds(t0).toFixed(2)}`));
      const all = figuresOf(figures).then((d) => ((figuresIn = seconds(t0)), d));
      file = await toWorkbook(figures);
      data = await all;
    }
    const total = seconds(t0);
    const cpu = process.cpuUsage(cpu0);
    const main = (procCpu()?.main ?? NaN) - main0;
    log(`round ${round} (${serial ? 'figures, then workbook' : 'sheets written as figures arrive'}): ${big.events} events, ${big.projects} projects: total ${total.toFixed(2)} s; last figure in at ${figuresIn.toFixed(2)} s (a query running ${busy().toFixed(2)} s), workbook done ${(total - figuresIn).toFixed(2)} s after it; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (chDB's threads included), main thread ${main.toFixed(2)} s; ${(file.length / 2 ** 20).toFixed(1)} MiB, ${data.breaches.length} breaches, ${data.satisfaction.visits.length} visits; peak heap ${(peak / 2 ** 20).toFixed(0)} MiB`);
    if (arrived.length) log(`  figures in at (s): ${arrived.join(', ')}`);
    for (const [k, s] of [...spent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) log(`  ${s.toFixed(2)} s  ${k}`);
  }
  const writes = Number(process.env.BENCH_P6_WRITES ?? 0);
  if (writes > 0) {
    const data = await buildKpiExport(big.db, { month: '2026-10' });
    const times: { wall: number; cpu: number }[] = [];
    for (let i = 1; i <= writes; i++) {
      peak = 0;
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const file = await toWorkbook(data);
      const cpu = process.cpuUsage(cpu0);
      times.push({ wall: seconds(t0), cpu: (cpu.user + cpu.system) / 1e6 });
      log(`workbook write ${i}: ${times[i - 1].wall.toFixed(2)} s, CPU ${times[i - 1].cpu.toFixed(2)} s, ${(file.length / 2 ** 20).toFixed(1)} MiB; peak heap ${(peak / 2 ** 20).toFixed(0)} MiB`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    log(`workbook write, median of ${writes}: ${median(times.map((t) => t.wall)).toFixed(2)} s, CPU ${median(times.map((t) => t.cpu)).toFixed(2)} s`);
  }
  clearInterval(sampler);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
