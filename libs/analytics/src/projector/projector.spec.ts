import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { seedStore } from '@service-ledger/seed';
import { testAnalytics } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { Projector } from './projector';
import { compareDatabases, projectAll, replay } from './replay';

describe('projector: case histories', () => {
  let store: EventStore;
  let db: Analytics;
  const historyReads = (target: Analytics) => {
    const reads = { count: 0 };
    const counted = Object.assign(Object.create(target) as Analytics, {
      query: (sql: string, params?: Record<string, unknown>) => {
        if (sql.includes('stream_id IN')) reads.count += 1;
        return target.query(sql, params);
      },
    });
    return { counted, reads };
  };
  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    await seedStore(store, { projects: 1, months: 1, seed: 3, until: new Date('2026-11-20T00:00:00Z') });
    db = await testAnalytics('histories');
  }, 60_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  it('catch-up into an empty database reads no history back: a case that starts in a batch has none stored', async () => {
    const { counted, reads } = historyReads(db);
    await projectAll(store, new Projector(counted), 150);
    expect(reads.count).toBe(0);
  }, 60_000);

  it('a projector without a cache, resuming over stored events, still folds each case from its full history', async () => {
    const head = (await store.readAll({ limit: 100_000 })).events;
    const half = head[Math.floor(head.length / 2)].globalPosition;
    const target = db.withDatabase(`${db.database}_resumed`);
    await replay(store, target, {}, 150, half);
    const { counted, reads } = historyReads(target);
    const resumed = new Projector(counted, { cacheSize: 0 });
    for (let i = head.findIndex((e) => e.globalPosition > half); i < head.length; i += 150) await resumed.handle(head.slice(i, i + 150));
    expect(reads.count).toBeGreaterThan(0);
    expect((await compareDatabases(db, target)).equal).toBe(true);
    await target.command(`DROP DATABASE \`${target.database}\``);
  }, 60_000);
});
