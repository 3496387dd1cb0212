import { type Analytics, compareDatabases, replay, type TableDifference } from '@service-ledger/analytics';
import { buildKpiExport } from '@service-ledger/exports';
import type { EventStore } from '@service-ledger/event-store';

export interface ReplayProof {
  equal: boolean;
  events: number;
  tables: TableDifference[];
  months: { month: string; equal: boolean }[];
}

/**
 * Rebuilds every projection from the store into a fresh, separate database and compares it with the live one:
 * per-table row counts and order-independent checksums, and the KPI export figures of every closed month.
 */
export async function proveReplay(store: EventStore, live: Analytics, options: { target?: string; now?: Date; timeZone?: string } = {}): Promise<ReplayProof> {
  const target = live.withDatabase(options.target ?? `${live.database}_proof`);
  const [head] = await live.query<{ p: string }>('SELECT toString(max(position)) AS p FROM {{events}} FINAL');
  const { events } = await replay(store, target, { timeZone: options.timeZone }, undefined, BigInt(head?.p ?? '0'));
  const { equal: tablesEqual, tables } = await compareDatabases(live, target);
  const months = await closedMonths(live, options.now ?? new Date(), options.timeZone ?? 'Asia/Shanghai');
  const monthResults = [];
  for (const month of months) {
    const figures = async (db: Analytics) => {
      const e = await buildKpiExport(db, { month, now: options.now, timeZone: options.timeZone });
      return JSON.stringify({ projects: e.projects, staff: e.staff, breaches: e.breaches });
    };
    monthResults.push({ month, equal: (await figures(live)) === (await figures(target)) });
  }
  return { equal: tablesEqual && monthResults.every((m) => m.equal), events, tables, months: monthResults };
}

async function closedMonths(db: Analytics, now: Date, tz: string): Promise<string[]> {
  const rows = await db.query<{ m: string }>(
    `SELECT DISTINCT formatDateTime(occurred_at, '%Y-%m', {tz:String}) AS m FROM {{events}} FINAL
     WHERE toYYYYMM(occurred_at, {tz:String}) < toYYYYMM(toDateTime64({now:String}, 3, 'UTC'), {tz:String}) ORDER BY m`,
    { tz, now: now.toISOString().replace('T', ' ').replace('Z', '') },
  );
  return rows.map((r) => r.m);
}
