import { testAnalytics } from '../../../test/support/chdb';
import type { Analytics } from './client';

describe('analytics client: insert', () => {
  let db: Analytics;
  beforeAll(async () => {
    db = await testAnalytics('client');
    await db.command("CREATE TABLE {{t}} (id String, n UInt32 DEFAULT 7, label String, at Nullable(DateTime64(3, 'UTC'))) ENGINE = MergeTree ORDER BY id");
  });
  afterAll(() => db.command(`DROP DATABASE IF EXISTS \`${db.database}\``));

  it('rows with keys in any order or missing get the same values as a row per object would: absent means the default', async () => {
    await db.insert('t', [
      { id: 'a', n: 1, label: 'x', at: '2026-03-10T02:00:00.000Z' },
      { label: 'y', id: 'b' },
      { id: 'c', label: 'z', at: null, n: undefined },
      { id: 'd', label: '引号 "quoted" \\ and\nnewline', n: 2 },
    ]);
    expect(await db.query('SELECT id, n, label, toString(at) AS at FROM {{t}} ORDER BY id')).toEqual([
      { id: 'a', n: 1, label: 'x', at: '2026-03-10 02:00:00.000' },
      { id: 'b', n: 7, label: 'y', at: null },
      { id: 'c', n: 7, label: 'z', at: null },
      { id: 'd', n: 2, label: '引号 "quoted" \\ and\nnewline', at: null },
    ]);
  });

  it('queryRowsJson is the same rows as query, as one JSON array text (newlines inside values stay escaped); none is []', async () => {
    const sql = "SELECT id, n, label, toString(at) AS at, toUInt64(n) * 1000000000000 AS big, n / 3 AS ratio, [id, label] AS pair FROM {{t}} WHERE id >= {from:String} ORDER BY id";
    const text = await db.queryRowsJson!(sql, { from: 'a' });
    expect(JSON.parse(text)).toEqual(await db.query(sql, { from: 'a' }));
    expect(JSON.parse(text)).toHaveLength(4);
    expect(await db.queryRowsJson!(sql, { from: 'zzz' })).toBe('[]');
  });
});
