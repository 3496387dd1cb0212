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
});
