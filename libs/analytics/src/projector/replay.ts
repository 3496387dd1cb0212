import { START, type EventStore } from '@service-ledger/event-store';
import type { Analytics } from '../client';
import { migrate, PROJECTION_TABLES } from '../schema';
import { Projector, type ProjectorOptions } from './projector';

/** Feeds the whole global log (up to `untilPosition`, if given) through a projector, batch by batch. */
export async function projectAll(store: EventStore, projector: Projector, batchSize = 5000, untilPosition?: bigint): Promise<number> {
  let events = 0;
  for (let after = START; ; ) {
    const batch = await store.readAll({ after, limit: batchSize });
    if (batch.events.length === 0) return events;
    const wanted = untilPosition === undefined ? batch.events : batch.events.filter((e) => e.globalPosition <= untilPosition);
    await projector.handle(wanted);
    events += wanted.length;
    after = batch.checkpoint;
  }
}

/**
 * Rebuilds every table from the store into an empty database (dropped first if it exists). `untilPosition` stops at
 * the live projection's position, so a proof compares like with like while the system runs.
 */
export async function replay(store: EventStore, target: Analytics, options: ProjectorOptions = {}, batchSize = 5000, untilPosition?: bigint): Promise<{ events: number }> {
  await target.command(`DROP DATABASE IF EXISTS \`${target.database}\``);
  await migrate(target);
  return { events: await projectAll(store, new Projector(target, options), batchSize, untilPosition) };
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
      (await db.query<{ n: string; h: string }>(`SELECT count() AS n, toString(sum(cityHash64(formatRow('TabSeparated', *)))) AS h FROM {{${table}}} FINAL`))[0];
    const [x, y] = await Promise.all([summary(a), summary(b)]);
    tables.push({ table, rowsA: Number(x.n), rowsB: Number(y.n), checksumA: x.h, checksumB: y.h });
  }
  return { equal: tables.every((t) => t.rowsA === t.rowsB && t.checksumA === t.checksumB), tables };
}

/** Every row of a table in key order, for row-by-row comparisons in tests and reports. */
export async function dumpTable(db: Analytics, table: string): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT * FROM {{${table}}} FINAL ORDER BY tuple(*)`);
}
