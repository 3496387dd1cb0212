/**
 * P6 alone, with its breakdown: `node dist/test/bench/p6.js` builds (or reuses) a big dataset in BENCH_CHDB_DIR and
 * times the monthly KPI export's queries (each one, by its first words) and the workbook apart, with the peak heap.
 * A mid-size trial that fits a shared machine: BENCH_BIG_EVENTS=2000000 (200 000 projected, copied ×10 to 200
 * projects). BENCH_P6_ROUNDS exports in a row (default 2: the first warms chDB's caches), each reported with its CPU
 * seconds (chDB's threads included), which compare better than wall time on a shared machine.
 */
import 'reflect-metadata';
import { ClickHouseAnalytics } from '@service-ledger/analytics';
import { buildKpiExport, toWorkbook } from '@service-ledger/exports';
import { bigDataset } from './big-dataset';

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const log = (line: string) => console.log(`[p6] ${line}`);

async function main() {
  const dir = process.env.BENCH_CHDB_DIR;
  if (!dir) throw new Error('BENCH_CHDB_DIR is required (the dataset is kept there)');
  const big = await bigDataset({
    dir, events: Number(process.env.BENCH_BIG_EVENTS ?? 2_000_000), projects: Number(process.env.BENCH_BIG_PROJECTS ?? 200),
    baseProjects: Number(process.env.BENCH_BIG_BASE_PROJECTS ?? 20), until: new Date('2026-11-20T00:00:00Z'), log,
  });
  // Every query's time, keyed by its first words, summed over the export.
  const spent = new Map<string, number>();
  const query = ClickHouseAnalytics.prototype.query;
  ClickHouseAnalytics.prototype.query = async function timed<R>(this: ClickHouseAnalytics, template: string, params?: Record<string, unknown>): Promise<R[]> {
    const t = process.hrtime.bigint();
    try {
      return await query.call(this, template, params) as R[];
    } finally {
      const key = template.replace(/\s+/g, ' ').slice(0, 90);
      spent.set(key, (spent.get(key) ?? 0) + seconds(t));
    }
  };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
  const rounds = Number(process.env.BENCH_P6_ROUNDS ?? 2);
  for (let round = 1; round <= rounds; round++) {
    spent.clear();
    peak = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const data = await buildKpiExport(big.db, { month: '2026-10' });
    const building = seconds(t0);
    const t1 = process.hrtime.bigint();
    const file = await toWorkbook(data);
    const writing = seconds(t1);
    const cpu = process.cpuUsage(cpu0);
    const inQueries = [...spent.values()].reduce((a, b) => a + b, 0);
    log(`round ${round}: ${big.events} events, ${big.projects} projects: total ${(building + writing).toFixed(2)} s = build ${building.toFixed(2)} s (queries ${inQueries.toFixed(2)} s) + workbook ${writing.toFixed(2)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (chDB's threads included); ${(file.length / 2 ** 20).toFixed(1)} MiB, ${data.breaches.length} breaches, ${data.satisfaction.visits.length} visits; peak heap ${(peak / 2 ** 20).toFixed(0)} MiB`);
    for (const [k, s] of [...spent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) log(`  ${s.toFixed(2)} s  ${k}`);
  }
  clearInterval(sampler);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
