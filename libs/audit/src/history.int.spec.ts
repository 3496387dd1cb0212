import { FixedClock } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { Scenario } from '@service-ledger/testing';
import { caseAsOf } from './history';

const local = (s: string) => new Date(`${s}+08:00`);
const day: [string, string][] = [['09:00', '17:00']];

describe('audit history: the policy version behind each clock', () => {
  let store: EventStore;
  let s: Scenario;
  let id: string;
  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    s = new Scenario(store, new FixedClock(new Date('2026-04-01T00:00:00Z')));
    // The Scenario registers p1 on its first command (the project must exist before its policy or cases).
    const change = (sections: Record<string, unknown>, at: string) =>
      s.run('ChangePolicy', { projectId: 'p1', effectiveFrom: '2026-03-01T00:00:00+08:00', reason: 'desk hours', sections }, at, 'gm_office', 'gm-1');
    await change({ calendar: { week: { mon: day, tue: day, wed: day, thu: day, fri: day } } }, '2026-02-20T09:00:00');
    id = await s.complaint('2026-03-10T15:00:00');
    // A correction recorded on 20 March, effective from 1 March: the first reply within 2 working hours.
    await change({ sla: { halfWorkingDay: 'PT2H' } }, '2026-03-20T09:00:00');
  }, 120_000);
  afterAll(() => store.close());

  it('as it stood before the correction: p1#1, half of 09:00–17:00 → Wed 11:00', async () => {
    const r = await caseAsOf(store, `complaint-${id}`, local('2026-03-15T00:00:00'));
    expect(r.clocks.find((c) => c.clock === 'complaint_first_reply')).toMatchObject({ policyVersion: 'p1#1', deadline: local('2026-03-11T11:00:00').toISOString() });
    expect(r.policies.map((p) => [p.id, p.setBy, p.reason])).toEqual([['p1#1', 'gm-1 (gm_office)', 'desk hours']]);
  });
  it('after the correction was recorded: p1#1 and p1#2, 2 working hours → Tue 17:00', async () => {
    const r = await caseAsOf(store, `complaint-${id}`, local('2026-03-25T00:00:00'));
    expect(r.clocks.find((c) => c.clock === 'complaint_first_reply')).toMatchObject({ policyVersion: 'p1#1 p1#2', deadline: local('2026-03-10T17:00:00').toISOString() });
  });
});
