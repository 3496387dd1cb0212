/**
 * The hop of an embedded read: what a query costs through the projector thread (main thread → port → thread → chDB →
 * port → main thread, AnalyticsThread) beyond the same query on a chDB session of the asking thread. Each side runs in
 * a process of its own (two chDB sessions in two threads of one process hang when one closes), alternating A B A B,
 * on one migrated chDB folder: the same statements, the wall per call and the asking thread's CPU per call.
 *
 *   node dist/test/bench/hop.js <chdb folder> [calls=400] [rounds=3]
 *
 * Never part of `npm test`.
 */
import { fork } from 'node:child_process';
import { ClickHouseAnalytics, migrate, type Analytics } from '@service-ledger/analytics';
import { AnalyticsThread } from '../../libs/runtime/src/embedded/analytics-thread';
import { Metrics } from '@service-ledger/telemetry';

/** A tiny answer (the hop alone) and one of a panel's size (40 rows of six columns, as text). */
const STATEMENTS = {
  tiny: 'SELECT 1 AS one',
  rows40: "SELECT toString(number) AS project_id, toDate('2026-01-01') + number AS day, number * 3 AS total, number * 2 AS on_time, number / 7 AS ratio, 'response' AS clock FROM numbers(40)",
  param: 'SELECT {n:UInt32} + 1 AS n',
};

async function side(kind: 'thread' | 'direct', dir: string, calls: number): Promise<Record<string, { wallUs: number; cpuUs: number }>> {
  const config = { kind: 'chdb' as const, path: dir, database: 'hop' };
  let thread: AnalyticsThread | null = null;
  let db: Analytics;
  if (kind === 'thread') {
    thread = await AnalyticsThread.start({ analytics: config }, new Metrics('hop'), (l) => process.stderr.write(`${l}\n`));
    db = thread.analytics;
  } else {
    const direct = ClickHouseAnalytics.open(config);
    await migrate(direct);
    db = direct;
  }
  const out: Record<string, { wallUs: number; cpuUs: number }> = {};
  for (const [name, sql] of Object.entries(STATEMENTS)) {
    const params = name === 'param' ? { n: 41 } : {};
    for (let i = 0; i < 50; i++) await db.queryRowsJson!(sql, params);
    const walls: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      await db.queryRowsJson!(sql, params);
      walls.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    const cpu = process.cpuUsage(cpu0);
    walls.sort((a, b) => a - b);
    // CPU of the whole process: on the thread side it includes the thread's (and chDB's) work too.
    out[name] = { wallUs: walls[Math.floor(walls.length / 2)], cpuUs: (cpu.user + cpu.system) / calls };
  }
  if (thread) await thread.close();
  else await db.close();
  return out;
}

async function main(): Promise<void> {
  const [dir, callsText = '400', roundsText = '3'] = process.argv.slice(2);
  const results: Record<string, Record<string, { wallUs: number[]; cpuUs: number[] }>> = {};
  for (let r = 0; r < Number(roundsText); r++) {
    for (const kind of ['thread', 'direct'] as const) {
      const child = fork(__filename, ['side', kind, dir, callsText], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const figures = (await new Promise((resolve) => child.once('message', resolve))) as Record<string, { wallUs: number; cpuUs: number }>;
      await new Promise((resolve) => child.once('exit', resolve));
      for (const [name, f] of Object.entries(figures)) {
        const slot = ((results[kind] ??= {})[name] ??= { wallUs: [], cpuUs: [] });
        slot.wallUs.push(f.wallUs);
        slot.cpuUs.push(f.cpuUs);
        process.stderr.write(`round ${r + 1} ${kind} ${name}: wall p50 ${f.wallUs.toFixed(0)} µs, process CPU ${f.cpuUs.toFixed(0)} µs/call\n`);
      }
    }
  }
  const mmm = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0].toFixed(0)} / ${s[Math.floor(s.length / 2)].toFixed(0)} / ${s[s.length - 1].toFixed(0)}`;
  };
  for (const [kind, byName] of Object.entries(results)) for (const [name, f] of Object.entries(byName)) process.stdout.write(`${kind} ${name}: wall p50 µs ${mmm(f.wallUs)}; process CPU µs/call ${mmm(f.cpuUs)} (min / median / max over rounds)\n`);
}

if (process.argv[2] === 'side') {
  void side(process.argv[3] as 'thread' | 'direct', process.argv[4], Number(process.argv[5])).then((f) => {
    process.send!(f);
    process.disconnect();
  });
} else void main();
