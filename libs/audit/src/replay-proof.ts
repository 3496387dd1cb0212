import { type Analytics, compareDatabases, replay, type TableDifference } from '@service-ledger/analytics';
import { buildKpiExport } from '@service-ledger/exports';
import type { EventStore } from '@service-ledger/event-store';

export interface ReplayProof {
  equal: boolean;
  /** Events replayed: the whole store. */
  events: number;
  /** Events in the store that the live projection never saw (a difference: the live tables do not cover them). */
  beyondLive: number;
  /** First few of those, by position, to look at. */
  beyondLiveSample: string[];
  tables: TableDifference[];
  months: { month: string; equal: boolean }[];
}

/**
 * Rebuilds every projection from the whole store into a fresh, separate database and compares it with the live one:
 * per-table row counts and order-independent checksums, and the KPI export figures of every closed month the store
 * holds. Events the live projection has not seen are reported as a difference, never left out of the proof.
 */
export async function proveReplay(store: EventStore, live: Analytics, options: { target?: string; now?: Date; timeZone?: string } = {}): Promise<ReplayProof> {
  const target = live.withDatabase(options.target ?? `${live.database}_proof`);
  const { events } = await replay(store, target, { timeZone: options.timeZone });
  const beyond = await target.query<{ p: string }>(
    `SELECT toString(position) AS p FROM {{events}} FINAL WHERE position NOT IN (SELECT position FROM ${live.table('events')} FINAL) ORDER BY position`,
  );
  const { equal: tablesEqual, tables } = await compareDatabases(live, target);
  // Months come from the replay (the store), not from the live tables, which may be missing some.
  const months = await closedMonths(target, options.now ?? new Date(), options.timeZone ?? 'Asia/Shanghai');
  const monthResults = [];
  for (const month of months) {
    const figures = async (db: Analytics) => {
      const e = await buildKpiExport(db, { month, now: options.now, timeZone: options.timeZone });
      return JSON.stringify({ projects: e.projects, staff: e.staff, breaches: e.breaches });
    };
    monthResults.push({ month, equal: (await figures(live)) === (await figures(target)) });
  }
  return {
    equal: beyond.length === 0 && tablesEqual && monthResults.every((m) => m.equal),
    events,
    beyondLive: beyond.length,
    beyondLiveSample: beyond.slice(0, 10).map((r) => r.p),
    tables,
    months: monthResults,
  };
}

async function closedMonths(db: Analytics, now: Date, tz: string): Promise<string[]> {
  // DISTINCT months: an event stored twice changes nothing, so no FINAL over the whole log.
  const rows = await db.query<{ m: string }>(
    `SELECT DISTINCT formatDateTime(occurred_at, '%Y-%m', {tz:String}) AS m FROM {{events}}
     WHERE toYYYYMM(occurred_at, {tz:String}) < toYYYYMM(toDateTime64({now:String}, 3, 'UTC'), {tz:String}) ORDER BY m`,
    { tz, now: now.toISOString().replace('T', ' ').replace('Z', '') },
  );
  return rows.map((r) => r.m);
}
