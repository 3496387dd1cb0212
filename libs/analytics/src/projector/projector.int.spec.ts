import { type EventEnvelope, newId } from '@service-ledger/core';
import { bulkEvents } from '@service-ledger/seed';
import type { EventStore } from '@service-ledger/event-store';
import { seededFixture, testAnalytics } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { migrate } from '../schema';
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
  let fixture: Awaited<ReturnType<typeof seededFixture>> | undefined;
  beforeAll(async () => {
    fixture = await seededFixture('histories', 3);
    ({ store, db } = fixture);
  }, 60_000);
  afterAll(async () => fixture?.close());

  it('folding a large batch gives the event loop turns (the embedded thread answers reads meanwhile), rows unchanged', async () => {
    // A catch-up batch as the embedded projector folds it: 5 000 events of the sample company, into an empty database.
    const [events] = bulkEvents({ projects: 2, months: 6, seed: 5, until: new Date('2026-06-01T00:00:00Z') }, 5000);
    const empty = await testAnalytics('fold_turns');
    // The fold starts once the last query before it has answered; turns are counted from there by a callback queued
    // on every turn. With a budget of 0 ms the fold turns before every case; folded in one go it would not turn at all.
    let lastAnswer = 0;
    const timed = Object.assign(Object.create(empty) as Analytics, {
      query: (sql: string, params?: Record<string, unknown>) => empty.query(sql, params).finally(() => (lastAnswer = performance.now())),
    });
    const turns: number[] = [];
    let ticking = true;
    const tick = () => {
      turns.push(performance.now());
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const projected = await new Projector(timed, { foldTurnMs: 0 }).project(events);
    ticking = false;
    const cases = projected!.rows.cases.length;
    expect(cases).toBeGreaterThan(100);
    expect(turns.filter((t) => t > lastAnswer).length).toBeGreaterThan(cases / 2);
    // The same rows as a fold without turns.
    const inOneGo = await new Projector(empty, { foldTurnMs: Infinity }).project(events);
    expect(projected!.rows).toEqual(inOneGo!.rows);
    await empty.close();
  }, 60_000);

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

  it('writes each clock change once, however many batches fold its case again, and still equals a replay in one batch', async () => {
    const inBatches = db.withDatabase(`${db.database}_history_once`);
    await migrate(inBatches);
    let sent = 0;
    let refolded = 0;
    const counted = Object.assign(Object.create(inBatches) as Analytics, {
      insert: (table: string, rows: Record<string, unknown>[], token?: string) => {
        if (table === 'sla_clock_history') sent += rows.length;
        if (table === 'cases') refolded += rows.length;
        return inBatches.insert(table, rows, token);
      },
    });
    // Small batches: most cases are folded again in several of them, and each fold evaluates every clock change.
    await projectAll(store, new Projector(counted), 40);
    const [{ n, cases }] = await inBatches.query<{ n: string; cases: string }>('SELECT count() AS n, uniqExact(case_id) AS cases FROM {{sla_clock_history}} FINAL');
    expect(refolded).toBeGreaterThan(Number(cases));
    expect(sent).toBe(Number(n));
    const together = db.withDatabase(`${db.database}_history_together`);
    await replay(store, together, {}, 1_000_000);
    expect((await compareDatabases(inBatches, together)).equal).toBe(true);
    for (const d of [inBatches, together]) await d.command(`DROP DATABASE \`${d.database}\``);
  }, 120_000);
});

describe('projector: rows that stop applying', () => {
  const T0 = Date.parse('2026-03-10T02:00:00Z');
  let position = 0;
  const stream = (streamId: string, ...events: [number, string, Record<string, unknown>][]): EventEnvelope[] =>
    events.map(([hours, type, data], i) => ({
      eventId: newId(), streamId, streamVersion: i + 1, globalPosition: BigInt(++position), type, schemaVersion: 1, data,
      occurredAt: new Date(T0 + hours * 3600_000).toISOString(), recordedAt: new Date(T0 + hours * 3600_000).toISOString(),
      actor: { staffId: 'desk', role: 'receptionist' }, projectId: 'P01', correlationId: streamId, causationId: null,
    }));
  // An urgent repair reclassified as general, and a complaint handled by one person, reopened and handled by another.
  const events = [
    ...stream('repair-r1', [0, 'RepairReported', { repairId: 'r1', category: 'urgent', nonStandard: false, location: { building: '1' }, firstResponderId: 'desk' }],
      [1, 'RepairDispatched', { technicianId: 'tech-a' }], [1.5, 'RepairReclassified', { from: 'urgent', to: 'general' }]),
    ...stream('complaint-c1', [0, 'ComplaintReceived', { complaintId: 'c1', location: { building: '1' }, channel: 'phone', firstResponderId: 'desk' }],
      [1, 'ComplaintResponsibilityAssigned', { responsibleStaffId: 'cs-a', promisedReplyBy: new Date(T0 + 24 * 3600_000).toISOString() }],
      [2, 'ComplaintHandled', { handledById: 'cs-a' }], [3, 'ComplaintReopened', {}],
      [4, 'ComplaintResponsibilityAssigned', { responsibleStaffId: 'cs-b', promisedReplyBy: new Date(T0 + 48 * 3600_000).toISOString() }]),
  ].sort((a, b) => Number(a.globalPosition - b.globalPosition));

  it('one event per batch gives the same tables as one batch: a clock or credit that stops applying is replaced, not left behind', async () => {
    const oneByOne = await testAnalytics('stop_applying');
    const together = oneByOne.withDatabase(`${oneByOne.database}_together`);
    await migrate(together);
    for (const e of events) await new Projector(oneByOne, { cacheSize: 0 }).handle([e]);
    await new Projector(together).handle(events);
    expect(await compareDatabases(oneByOne, together)).toMatchObject({ equal: true });
    const arrival = await oneByOne.query<{ status: string }>("SELECT status FROM {{sla_clocks}} FINAL WHERE case_id = 'r1' AND clock = 'repair_arrival'");
    expect(arrival).toEqual([{ status: 'cancelled' }]);
    const credits = await oneByOne.query<{ staff_id: string; closed_at: string | null }>("SELECT staff_id, closed_at FROM {{staff_performance}} FINAL WHERE case_id = 'c1' AND credit = 'handler' ORDER BY staff_id");
    expect(credits).toEqual([{ staff_id: 'cs-a', closed_at: null }, { staff_id: 'cs-b', closed_at: null }]);
    for (const db of [oneByOne, together]) await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  }, 60_000);
});
