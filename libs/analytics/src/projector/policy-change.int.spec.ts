import { FixedClock } from '@service-ledger/core';
import { createEventStore, type EventStore, START } from '@service-ledger/event-store';
import { Scenario } from '@service-ledger/testing';
import { testAnalytics } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { Projector } from './projector';
import { compareDatabases, replay } from './replay';

/** Local time in Asia/Shanghai (UTC+8) as the analytics store returns it (UTC, 'YYYY-MM-DD HH:MM:SS.mmm'). */
const ch = (local: string) => new Date(`${local}+08:00`).toISOString().replace('T', ' ').replace('Z', '');
const day: [string, string][] = [['09:00', '17:00']];
const nineToFive = { mon: day, tue: day, wed: day, thu: day, fri: day };

describe('projector: a policy changed mid-month', () => {
  let store: EventStore;
  let live: Analytics;
  let projector: Projector;
  let s: Scenario;
  let checkpoint = START;
  const ids: Record<string, string> = {};

  /** Delivers the events appended since the last call one at a time, as the live subscription would. */
  async function follow() {
    const batch = await store.readAll({ after: checkpoint, limit: 10_000 });
    for (const e of batch.events) await projector.handle([e]);
    checkpoint = batch.checkpoint;
  }
  const firstReply = async (db: Analytics, caseId: string) =>
    (await db.query<{ deadline: string; policy_version: string }>("SELECT toString(deadline) AS deadline, policy_version FROM {{sla_clocks}} FINAL WHERE case_id = {id:String} AND clock = 'complaint_first_reply'", { id: caseId }))[0];
  const changePolicy = (change: Record<string, unknown>, at: string) => s.run('ChangePolicy', { projectId: 'p1', reason: 'service centre hours changed', ...change }, at, 'gm_office', 'gm-1');

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    live = await testAnalytics('policy_change');
    projector = new Projector(live);
    s = new Scenario(store, new FixedClock(new Date('2026-04-01T00:00:00Z')));
    // The Scenario registers p1 on its first command (the project must exist before its policy or cases).
    // Before the change the project has the default hours (08:30–12:00, 13:30–17:30: half a day = 3 h 45 min).
    ids.a = await s.complaint('2026-03-10T15:00:00');
    await follow();
    await changePolicy({ effectiveFrom: '2026-03-16T00:00:00+08:00', sections: { calendar: { week: nineToFive } } }, '2026-03-12T09:00:00');
    ids.c = await s.complaint('2026-03-13T10:00:00');
    ids.b = await s.complaint('2026-03-17T15:00:00');
    await follow();
  }, 60_000);
  afterAll(async () => {
    await live.command(`DROP DATABASE IF EXISTS \`${live.database}\``);
    await store.close();
  });

  it('cases received before the change keep the default hours; after it, 09:00–17:00 (no restart)', async () => {
    // A: Tue 10 Mar 15:00 + 3 h 45 min = 2 h 30 min that day, 1 h 15 min from Wed 08:30 → 09:45.
    expect(await firstReply(live, ids.a)).toEqual({ deadline: ch('2026-03-11T09:45:00'), policy_version: 'default' });
    // C: recorded after the change but received before its effective day: Fri 13 Mar 10:00 → 15:15 (lunch skipped).
    expect(await firstReply(live, ids.c)).toEqual({ deadline: ch('2026-03-13T15:15:00'), policy_version: 'default' });
    // B: Tue 17 Mar 15:00 + 4 h = 2 h that day, 2 h from Wed 09:00 → 11:00.
    expect(await firstReply(live, ids.b)).toEqual({ deadline: ch('2026-03-18T11:00:00'), policy_version: 'p1#1' });
  });

  it('live tables equal a full replay', async () => {
    const target = live.withDatabase(`${live.database}_replay`);
    await replay(store, target);
    expect((await compareDatabases(live, target)).tables.filter((t) => t.checksumA !== t.checksumB || t.rowsA !== t.rowsB)).toEqual([]);
    await target.command(`DROP DATABASE \`${target.database}\``);
  }, 60_000);

  it('a correction effective before cases already projected re-evaluates them; live still equals a replay', async () => {
    // p1#2, effective 9 March: the first reply within 2 working hours. A and C now follow it; B keeps p1#1's calendar.
    await changePolicy({ effectiveFrom: '2026-03-09T00:00:00+08:00', sections: { sla: { halfWorkingDay: 'PT2H' } } }, '2026-03-20T09:00:00');
    await follow();
    expect(await firstReply(live, ids.a)).toEqual({ deadline: ch('2026-03-10T17:00:00'), policy_version: 'p1#2' });
    expect(await firstReply(live, ids.c)).toEqual({ deadline: ch('2026-03-13T12:00:00'), policy_version: 'p1#2' });
    expect(await firstReply(live, ids.b)).toEqual({ deadline: ch('2026-03-17T17:00:00'), policy_version: 'p1#1 p1#2' });
    const history = await live.query<{ deadline: string }>("SELECT DISTINCT toString(deadline) AS deadline FROM {{sla_clock_history}} FINAL WHERE case_id = {id:String} AND clock = 'complaint_first_reply'", { id: ids.a });
    expect(history).toEqual([{ deadline: ch('2026-03-10T17:00:00') }]);
    const target = live.withDatabase(`${live.database}_replay2`);
    await replay(store, target, {}, 2);
    expect((await compareDatabases(live, target)).tables.filter((t) => t.checksumA !== t.checksumB || t.rowsA !== t.rowsB)).toEqual([]);
    await target.command(`DROP DATABASE \`${target.database}\``);
  }, 60_000);
});
