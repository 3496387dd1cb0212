import { START, type EventStore } from '@service-ledger/event-store';
import type { Analytics } from '../client';
import { migrate, PROJECTION_TABLES } from '../schema';
import { Projector, type ProjectorOptions } from './projector';

/** Rebuilds every table from the store into an empty database (dropped first if it exists). */
export async function replay(store: EventStore, target: Analytics, options: ProjectorOptions = {}, batchSize = 5000): Promise<{ events: number }> {
  await target.command(`DROP DATABASE IF EXISTS \`${target.database}\``);
  await migrate(target);
  const projector = new Projector(target, options);
  let after = START;
  let events = 0;
  for (;;) {
    const batch = await store.readAll({ after, limit: batchSize });
    if (batch.events.length === 0) break;
    await projector.handle(batch.events);
    events += batch.events.length;
    after = batch.checkpoint;
  }
  return { events };
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
      (await db.query<{ n: string; h: string }>(`SELECT count() AS n, toString(sum(cityHash64(*))) AS h FROM {{${table}}} FINAL`))[0];
    const [x, y] = await Promise.all([summary(a), summary(b)]);
    tables.push({ table, rowsA: Number(x.n), rowsB: Number(y.n), checksumA: x.h, checksumB: y.h });
  }
  return { equal: tables.every((t) => t.rowsA === t.rowsB && t.checksumA === t.checksumB), tables };
}

/** Every row of a table in key order, for row-by-row comparisons in tests and reports. */
export async function dumpTable(db: Analytics, table: string): Promise<Record<string, unknown>[]> {
  return db.query(`SELECT * FROM {{${table}}} FINAL ORDER BY tuple(*)`);
}
