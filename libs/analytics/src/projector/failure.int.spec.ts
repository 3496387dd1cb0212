import type { EventStore } from '@service-ledger/event-store';
import { seededFixture } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { migrate } from '../schema';
import { Projector } from './projector';
import { compareDatabases, projectAll, replay } from './replay';
import { StoreEventSource } from './source';

/**
 * ClickHouse becomes unavailable in the middle of a batch (some tables written, others not, checkpoint not moved):
 * the subscription retries with backoff from its checkpoint, and the result equals a replay — nothing lost, nothing
 * counted twice.
 */
describe('projector: ClickHouse unavailable mid-batch', () => {
  let store: EventStore;
  let db: Analytics;
  let fixture: Awaited<ReturnType<typeof seededFixture>> | undefined;
  beforeAll(async () => {
    fixture = await seededFixture('failure', 2);
    ({ store, db } = fixture);
  }, 60_000);
  afterAll(async () => fixture?.close());

  it('retries from the checkpoint and ends equal to a replay', async () => {
    let inserts = 0;
    let failures = 0;
    // The real chDB behind a switch that refuses writes 5 to 9, as an outage between two table writes would.
    const flaky = Object.assign(Object.create(db) as Analytics, {
      insert: async (...args: Parameters<Analytics['insert']>) => {
        inserts += 1;
        if (inserts >= 5 && inserts < 10) {
          failures += 1;
          throw new Error('ClickHouse unavailable');
        }
        return db.insert(...args);
      },
    });
    const projector = new Projector(flaky, { cacheSize: 0 });
    const running = await new StoreEventSource(store, 'failure-test', 300, 20).start((events) => projector.handle(events));
    await running.caughtUp;
    await running.stop();
    expect(failures).toBe(5);
    const fresh = db.withDatabase(`${db.database}_replay`);
    await replay(store, fresh);
    const report = await compareDatabases(db, fresh);
    expect(report.tables.filter((t) => t.rowsA !== t.rowsB || t.checksumA !== t.checksumB)).toEqual([]);
  }, 120_000);

  it('a failed clock-history write makes the projector write whole histories again (it remembers what it wrote per case)', async () => {
    const target = db.withDatabase(`${db.database}_history_failure`);
    await migrate(target);
    let historyWrites = 0;
    // The history insert of the third batch fails once; every other table of that batch is written.
    const failing = Object.assign(Object.create(target) as Analytics, {
      insert: async (...args: Parameters<Analytics['insert']>) => {
        if (args[0] === 'sla_clock_history' && ++historyWrites === 3) throw new Error('ClickHouse unavailable');
        return target.insert(...args);
      },
    });
    const projector = new Projector(failing);
    const running = await new StoreEventSource(store, 'history-failure-test', 100, 20).start((events) => projector.handle(events));
    await running.caughtUp;
    await running.stop();
    expect(historyWrites).toBeGreaterThan(3);
    const fresh = db.withDatabase(`${db.database}_history_failure_replay`);
    await replay(store, fresh);
    const report = await compareDatabases(target, fresh);
    expect(report.tables.filter((t) => t.rowsA !== t.rowsB || t.checksumA !== t.checksumB)).toEqual([]);
    for (const d of [target, fresh]) await d.command(`DROP DATABASE \`${d.database}\``);
  }, 120_000);

  it('catch-up stops with the write error, although the next batch was already being read and projected', async () => {
    let inserts = 0;
    let reads = 0;
    // Ten table writes per batch: the second batch fails half-way, while the third is still being read.
    const failing = Object.assign(Object.create(db) as Analytics, {
      insert: async (...args: Parameters<Analytics['insert']>) => {
        if (++inserts === 15) throw new Error('ClickHouse unavailable');
        return db.insert(...args);
      },
    });
    const slowStore = Object.assign(Object.create(store) as EventStore, {
      readAll: async (...args: Parameters<EventStore['readAll']>) => {
        if (++reads === 3) await new Promise((resolve) => setTimeout(resolve, 200));
        return store.readAll(...args);
      },
    });
    const projector = new Projector(failing);
    await expect(projectAll(slowStore, projector, 200)).rejects.toThrow('ClickHouse unavailable');
    expect(projector.stats.batches).toBe(1);
  }, 60_000);
});
