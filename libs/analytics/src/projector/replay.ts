import type { EventEnvelope } from '@service-ledger/core';
import { START, type EventStore } from '@service-ledger/event-store';
import type { Analytics } from '../client';
import { AGGREGATE_TABLES, LIVE_AGGREGATE_ROWS } from '../aggregates';
import { migrate, PROJECTION_TABLES } from '../schema';
import { Projector, type ProjectorOptions } from './projector';

/**
 * Events per catch-up window: each window's touched cases are folded once and written once. Much larger than the
 * live subscription's batches: during catch-up a case's events are spread over weeks of the log, and a case that
 * spans several windows is folded (and its rows written, and later merged by chDB) once per window.
 */
export const CATCH_UP_BATCH = 50_000;
/**
 * A catch-up (`projectAll`: a replay, the distributed projector's rebuild, the bench) recomputes the aggregate slices
 * its windows touched at most this often, whatever the projector's own cadence (`Projector.catchingUp`), and all of
 * them before it returns. A window touches most months of most projects, so each refresh costs about as much as
 * filling the aggregates from scratch; a window takes seconds, so a cadence of one second would still refresh after
 * each. Once a minute a long rebuild still shows.
 */
export const CATCH_UP_REFRESH_MS = 60_000;
/** Events per read from the store: a window is read in these steps, each read overlapping the work on the last. */
const CATCH_UP_READ = 20_000;

/**
 * Feeds the whole global log (up to `untilPosition`, if given) through a projector, window by window (`batchSize`
 * events, read from the store in steps of at most CATCH_UP_READ). chDB writes off the JavaScript thread, so while one
 * window is written the next is read from the store and projected.
 */
export async function projectAll(store: EventStore, projector: Projector, batchSize = CATCH_UP_BATCH, untilPosition?: bigint): Promise<number> {
  return projector.catchingUp(CATCH_UP_REFRESH_MS, () => catchUp(store, projector, batchSize, untilPosition));
}

async function catchUp(store: EventStore, projector: Projector, batchSize: number, untilPosition?: bigint): Promise<number> {
  // A promise in flight fails while another is awaited: mark it handled now, it is still awaited (and thrown) below.
  const inFlight = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
  const readSize = Math.min(batchSize, CATCH_UP_READ);
  let events = 0;
  let writing: Promise<void> = Promise.resolve();
  let next = inFlight(store.readAll({ after: START, limit: readSize }));
  for (let ended = false; !ended; ) {
    let window: EventEnvelope[] = [];
    while (window.length < batchSize) {
      const batch = await next;
      if (batch.events.length === 0) {
        ended = true;
        break;
      }
      next = inFlight(store.readAll({ after: batch.checkpoint, limit: readSize }));
      const wanted = untilPosition === undefined ? batch.events : batch.events.filter((e) => e.globalPosition <= untilPosition);
      window = window.length === 0 ? wanted : window.concat(wanted);
    }
    if (window.length === 0) continue;
    const projected = await projector.project(window);
    await writing;
    writing = inFlight(projector.write(projected));
    events += window.length;
  }
  await writing;
  // The windows' aggregate slices, recomputed together every CATCH_UP_REFRESH_MS meanwhile, are all current when this
  // returns.
  await projector.flush();
  return events;
}

/**
 * Rebuilds every table from the store into an empty database (dropped first if it exists). `untilPosition` stops at
 * the live projection's position, so a proof compares like with like while the system runs.
 */
export async function replay(store: EventStore, target: Analytics, options: ProjectorOptions = {}, batchSize = CATCH_UP_BATCH, untilPosition?: bigint): Promise<{ events: number }> {
  await target.command(`DROP DATABASE IF EXISTS \`${target.database}\``);
  await migrate(target);
  return { events: await projectAll(store, new Projector(target, { refreshEveryMs: CATCH_UP_REFRESH_MS, ...options }), batchSize, untilPosition) };
}

export interface TableDifference {
  table: string;
  rowsA: number;
  rowsB: number;
  checksumA: string;
  checksumB: string;
}

/** Order-independent comparison of every projection table (row counts and a checksum over all columns, FINAL). */
export async function compareDatabases(a: Analytics, b: Analytics): Promise<{ equal: boolean; tables: TableDifference[] }> {
  const tables: TableDifference[] = [];
  for (const table of PROJECTION_TABLES) {
    const summary = async (db: Analytics) =>
      (await db.query<{ n: string; h: string }>(`SELECT count() AS n, toString(sum(cityHash64(formatRow('TabSeparated', *)))) AS h FROM {{${table}}} FINAL${comparedRows(table)}`))[0];
    const [x, y] = await Promise.all([summary(a), summary(b)]);
    tables.push({ table, rowsA: Number(x.n), rowsB: Number(y.n), checksumA: x.h, checksumB: y.h });
  }
  return { equal: tables.every((t) => t.rowsA === t.rowsB && t.checksumA === t.checksumB), tables };
}

/** Every row of a table in key order, for row-by-row comparisons in tests and reports. */
export async function dumpTable(db: Analytics, table: string): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT * FROM {{${table}}} FINAL${comparedRows(table)} ORDER BY tuple(*)`);
}

/** An aggregate's groups left without source rows depend on the order history arrived in, not on the history. */
function comparedRows(table: string): string {
  return (AGGREGATE_TABLES as string[]).includes(table) ? ` WHERE ${LIVE_AGGREGATE_ROWS}` : '';
}
