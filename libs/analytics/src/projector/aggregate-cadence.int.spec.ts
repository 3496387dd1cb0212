import { type EventEnvelope } from '@service-ledger/core';
import { type EventStore, START } from '@service-ledger/event-store';
import { seededFixture } from '../../../../test/support/chdb';
import { AGGREGATE_TABLES, AGGREGATES_REFRESHED, dropStaleRefreshTables, LIVE_AGGREGATE_ROWS, REFRESH_TABLE_PREFIX } from '../aggregates';
import { type Analytics, inlined } from '../client';
import { migrate } from '../schema';
import { Projector } from './projector';
import { compareDatabases, projectAll, replay } from './replay';

/**
 * The projector recomputes aggregate slices on a cadence (ProjectorOptions.refreshEveryMs) instead of after every
 * batch. What must hold: the aggregates equal a replay's once the projector is idle or flushed; a crash between a
 * batch's write and its refresh (the checkpoint already past it) is repaired on start; and the projection position
 * that answers carry (and the panel cache keys on) never claims the aggregates sum what they do not yet.
 */
describe('projector: aggregates refreshed on a cadence', () => {
  let store: EventStore;
  let db: Analytics;
  let fixture: Awaited<ReturnType<typeof seededFixture>> | undefined;
  let batches: EventEnvelope[][] = [];
  let replayed: Analytics;
  /** Never within a test: only `flush`, `recover` or a write after a failed refresh refreshes. */
  const NEVER = 3_600_000;

  beforeAll(async () => {
    fixture = await seededFixture('cadence', 3);
    ({ store, db } = fixture);
    for (let after = START; ; ) {
      const read = await store.readAll({ after, limit: 400 });
      if (read.events.length === 0) break;
      batches.push(read.events);
      after = read.checkpoint;
    }
    replayed = db.withDatabase(`${db.database}_replay`);
    await replay(store, replayed);
  }, 120_000);
  afterAll(async () => {
    await replayed?.command(`DROP DATABASE IF EXISTS \`${replayed.database}\``);
    await fixture?.close();
  });

  const fresh = async (name: string) => {
    const target = db.withDatabase(`${db.database}_${name}`);
    await target.command(`DROP DATABASE IF EXISTS \`${target.database}\``);
    await migrate(target);
    return target;
  };
  const differences = async (target: Analytics) => (await compareDatabases(target, replayed)).tables.filter((t) => t.rowsA !== t.rowsB || t.checksumA !== t.checksumB).map((t) => t.table);
  const liveRows = async (target: Analytics) => {
    let n = 0;
    for (const table of AGGREGATE_TABLES) n += Number((await target.query<{ n: string }>(`SELECT count() AS n FROM {{${table}}} FINAL WHERE ${LIVE_AGGREGATE_ROWS}`))[0].n);
    return n;
  };
  /** The scratch tables of refreshes (aggregates.ts `refreshAggregates`) in the database. */
  const scratchTables = async (target: Analytics) =>
    (await target.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${target.database}' AND startsWith(name, '${REFRESH_TABLE_PREFIX}')`)).map((t) => t.name);
  const lastPosition = () => batches[batches.length - 1][batches[batches.length - 1].length - 1].globalPosition.toString();

  it('writes parameters in as literals that ClickHouse reads back as the values (quotes, backslashes, control characters)', async () => {
    const values = { s: "it's a \\ back\tslash\n'; DROP TABLE x; --", a: ["o'clock", '\\', ''], n: 202611, at: '2026-11-20 08:00:00.125' };
    const sql = inlined("SELECT {s:String} AS s, {a:Array(String)} AS a, {n:UInt32} AS n, toString({at:DateTime64(3, 'UTC')}) AS at", values);
    expect(sql).not.toMatch(/\{\w+:/);
    expect(await db.query(sql)).toEqual([{ s: values.s, a: values.a, n: values.n, at: values.at }]);
    expect(() => inlined('SELECT {missing:String}', {})).toThrow(/missing/);
  });

  it('holds the slices of every batch until a refresh, reports the refreshed position meanwhile, and equals a replay after flush', async () => {
    expect(batches.length).toBeGreaterThan(2);
    const target = await fresh('flushed');
    const projector = new Projector(target, { refreshEveryMs: NEVER });
    for (const batch of batches) await projector.handle(batch);
    // Written, not yet summed: the tables hold every event, the aggregates none, and the position says so.
    expect((await target.projectionPosition()).events).toBe(batches.flat().length);
    expect(await liveRows(target)).toBe(0);
    expect((await target.projectionPosition()).position).toBe('0');
    expect(projector.stats.refreshed ?? null).toBeNull();
    // Only aggregates differ from a replay: every other table is written.
    const behind = await differences(target);
    expect(behind.length).toBeGreaterThan(0);
    expect(behind.filter((t) => !(AGGREGATE_TABLES as string[]).includes(t))).toEqual([]);
    await projector.flush();
    expect(await differences(target)).toEqual([]);
    expect((await target.projectionPosition()).position).toBe(lastPosition());
    expect(projector.stats.refreshed?.position).toBe(lastPosition());
    // The refresh read its sources through scratch tables and dropped them all.
    expect(await scratchTables(target)).toEqual([]);
  }, 120_000);

  it('refreshes on its own once writes stop (idle), within the cadence', async () => {
    const target = await fresh('idle');
    const projector = new Projector(target, { refreshEveryMs: 300 });
    for (const batch of batches) await projector.handle(batch);
    const deadline = Date.now() + 20_000;
    while ((await target.projectionPosition()).position !== lastPosition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await target.projectionPosition()).position).toBe(lastPosition());
    expect(await differences(target)).toEqual([]);
  }, 120_000);

  it('a catch-up refreshes on its own cadence whatever the projector’s (the distributed one refreshes after every batch), then the projector’s again', async () => {
    const target = await fresh('catch_up');
    let refreshes = 0;
    const counted = Object.assign(Object.create(target) as Analytics, {
      insert: (table: string, rows: Record<string, unknown>[], token?: string) => {
        if (table === AGGREGATES_REFRESHED) refreshes += 1;
        return target.insert(table, rows, token);
      },
    });
    // As the distributed projector's: no cadence of its own, every batch's write refreshes the slices it touched.
    const projector = new Projector(counted);
    // Windows of 400 events: several windows, each of which used to be refreshed inside its write.
    expect(batches.length).toBeGreaterThan(2);
    await projectAll(store, projector, 400);
    // The catch-up takes well under CATCH_UP_REFRESH_MS: only its final flush refreshed, and the aggregates are whole.
    expect(refreshes).toBe(1);
    expect(await differences(target)).toEqual([]);
    expect((await target.projectionPosition()).position).toBe(lastPosition());
    // Back to the projector's own cadence: a batch delivered again is refreshed within its write.
    await projector.handle(batches[batches.length - 1]);
    expect(refreshes).toBe(2);
    expect(await differences(target)).toEqual([]);
  }, 120_000);

  it('batches of two Kafka partitions (each in its own order, not the log’s) all have their slices recomputed', async () => {
    const target = await fresh('partitions');
    const projector = new Projector(target);
    // As the publisher partitions the log: a stream stays in one partition, policy changes go to every partition.
    const all = batches.flat();
    const policy = (e: EventEnvelope) => e.streamId.split('-')[0] === 'policy';
    const partitionOf = (e: EventEnvelope) => [...e.streamId].reduce((h, c) => h + c.charCodeAt(0), 0) % 2;
    const partitions = [0, 1].map((p) => all.filter((e) => policy(e) || partitionOf(e) === p));
    // The partition holding the log's last event first: the other's batch then lies below the position refreshed.
    const last = all[all.length - 1];
    if (partitions[0][partitions[0].length - 1] !== last) partitions.reverse();
    expect(partitions[1][partitions[1].length - 1].globalPosition).toBeLessThan(last.globalPosition);
    for (const partition of partitions) await projector.handle(partition);
    expect(await differences(target)).toEqual([]);
    expect((await target.projectionPosition()).position).toBe(lastPosition());
  }, 120_000);

  it('a crash between the writes and their refresh leaves the aggregates equal to a replay after a restart', async () => {
    const target = await fresh('crashed');
    const half = Math.floor(batches.length / 2);
    const before = new Projector(target, { refreshEveryMs: NEVER });
    for (const batch of batches.slice(0, half)) await before.handle(batch);
    await before.flush();
    const refreshedAt = (await target.projectionPosition()).position;
    expect(refreshedAt).toBe(batches[half - 1][batches[half - 1].length - 1].globalPosition.toString());
    // The rest is written (a subscription would have stored its checkpoint) and the process ends before a refresh.
    for (const batch of batches.slice(half)) await before.handle(batch);
    expect((await target.projectionPosition()).position).toBe(refreshedAt);
    expect(await differences(target)).not.toEqual([]);
    // A refresh's scratch table, as a crash mid-refresh leaves it.
    const left = `${REFRESH_TABLE_PREFIX}cases_crashed`;
    await target.command(`CREATE TABLE {{${left}}} ENGINE = Memory AS SELECT * FROM {{cases}} FINAL`);
    // Restarted: nothing is redelivered, the new projector finds the unrefreshed slices itself.
    const after = new Projector(target, { refreshEveryMs: NEVER });
    await after.recover();
    expect(await differences(target)).toEqual([]);
    expect((await target.projectionPosition()).position).toBe(lastPosition());
    // Too young to be dropped by the recovery (another projector on the same server may be reading it); once stale, it is.
    expect(await scratchTables(target)).toEqual([left]);
    await dropStaleRefreshTables(target, 0);
    expect(await scratchTables(target)).toEqual([]);
  }, 120_000);
});
