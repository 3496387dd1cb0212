import { newId } from '@service-ledger/core';
import { testAnalytics } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { policyHistoryOf } from './policies';

describe('policyHistoryOf: the policy changes as the analytics store holds them', () => {
  let db: Analytics;
  beforeAll(async () => {
    db = await testAnalytics('policies');
  });
  afterAll(async () => db.command(`DROP DATABASE IF EXISTS \`${db.database}\``));

  it('reads them in log order by number (position 9 before 10): of two with the same id, the earlier one is kept', async () => {
    const row = (position: number, reason: string) => ({
      event_id: newId(), stream_id: 'policy-P1', case_id: '', stream_version: position, position, type: 'PolicyChanged', project_id: 'P1',
      occurred_at: '2026-03-01 00:00:00.000', recorded_at: '2026-03-01 00:00:00.000', actor_id: 'admin-1', actor_role: 'admin',
      data: JSON.stringify({ scope: 'P1', change: 1, effectiveFrom: '2026-03-01T00:00:00.000Z', reason, sections: {} }),
    });
    // The same change recorded twice: one id, two positions; text order would put 10 first and keep the copy.
    await db.insert('event_facts', [row(10, 'the copy'), row(9, 'the original')]);
    const changes = (await policyHistoryOf(db)).all();
    expect(changes.map((c) => [c.position, c.reason])).toEqual([[9n, 'the original']]);
  });

  it('reads a fact stored twice (a batch projected again, two parts unmerged) as one change, without FINAL', async () => {
    const other = await testAnalytics('policies_twice');
    try {
      const row = (position: number, change: number, eventId: string) => ({
        event_id: eventId, stream_id: 'policy-P2', case_id: '', stream_version: change, position, type: 'PolicyChanged', project_id: 'P2',
        occurred_at: '2026-04-01 00:00:00.000', recorded_at: '2026-04-01 00:00:00.000', actor_id: 'admin-1', actor_role: 'admin',
        data: JSON.stringify({ scope: 'P2', change, effectiveFrom: `2026-04-0${change}T00:00:00.000Z`, reason: `change ${change}`, sections: {} }),
      });
      const first = row(21, 1, newId());
      const second = row(22, 2, newId());
      // Two inserts, two parts: the copy of the first change is there as a row of its own until a merge folds it.
      await other.insert('event_facts', [first, second]);
      await other.insert('event_facts', [first]);
      const [{ n }] = await other.query<{ n: string }>("SELECT toString(count()) AS n FROM {{event_facts}} WHERE type = 'PolicyChanged'");
      expect(n).toBe('3');
      const changes = (await policyHistoryOf(other)).all();
      expect(changes.map((c) => [c.position, c.reason])).toEqual([[21n, 'change 1'], [22n, 'change 2']]);
    } finally {
      await other.command(`DROP DATABASE IF EXISTS \`${other.database}\``);
    }
  });
});
