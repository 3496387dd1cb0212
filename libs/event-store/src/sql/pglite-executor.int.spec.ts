import { PgliteExecutor } from './pglite-executor';

describe('PGlite executor: prepared statements', () => {
  let sql: PgliteExecutor;
  beforeEach(async () => {
    sql = await PgliteExecutor.open();
    await sql.exec('CREATE TABLE t (id int PRIMARY KEY, doc jsonb, at timestamptz, note text)');
  });
  afterEach(() => sql.close());

  it('returns the same typed rows as query, run after run', async () => {
    const insert = 'INSERT INTO t (id, doc, at, note) VALUES ($1, $2::jsonb, $3, $4) RETURNING id, doc, at, note';
    for (const id of [1, 2]) {
      const [row] = await sql.prepared<{ id: number; doc: unknown; at: Date; note: string | null }>(insert, [id, JSON.stringify({ a: [id] }), '2026-03-02T01:00:00.000Z', null]);
      expect(row).toEqual({ id, doc: { a: [id] }, at: new Date('2026-03-02T01:00:00.000Z'), note: null });
    }
    expect(await sql.prepared('SELECT id, doc, at, note FROM t ORDER BY id', [])).toEqual(await sql.query('SELECT id, doc, at, note FROM t ORDER BY id'));
  });

  it('reports database errors with their SQLSTATE and stays usable', async () => {
    const insert = 'INSERT INTO t (id) VALUES ($1)';
    await sql.prepared(insert, [1]);
    await expect(sql.prepared(insert, [1])).rejects.toMatchObject({ code: '23505' });
    await sql.prepared(insert, [2]);
    expect(await sql.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('never runs inside another caller’s open transaction', async () => {
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const rolledBack = sql
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (1)');
        inside();
        await new Promise((r) => setTimeout(r, 50));
        await tx.query('INSERT INTO t (id) VALUES (2)');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await opened;
    await sql.prepared('INSERT INTO t (id) VALUES ($1)', [3]);
    await rolledBack;
    expect(await sql.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
  });

  it('orders prepared statements, queries and transactions as they were called, whichever runs at once', async () => {
    const insert = 'INSERT INTO t (id, note) VALUES ($1, $2)';
    const calls: Promise<unknown>[] = [];
    for (let id = 1; id <= 30; id++) {
      if (id % 10 === 0) calls.push(sql.transaction(async (tx) => tx.query('UPDATE t SET note = $1 WHERE id < $2', [`tx${id}`, id])));
      else if (id % 7 === 0) calls.push(sql.query("SELECT count(*)::int AS n FROM t WHERE note LIKE 'p%'"));
      calls.push(sql.prepared(insert, [id, `p${id}`]));
    }
    const results = await Promise.all(calls);
    // Each count saw exactly the prepared inserts called before it, and each transaction updated exactly those rows.
    expect(results.filter((r): r is { n: number }[] => Array.isArray(r) && r.length === 1 && 'n' in (r[0] as object)).map((r) => r[0].n)).toEqual([6, 4, 1, 8]);
    expect(await sql.query('SELECT note, count(*)::int AS n FROM t GROUP BY note ORDER BY note')).toEqual([{ note: 'p30', n: 1 }, { note: 'tx30', n: 29 }]);
  });

  it('a prepared statement with a syntax error is refused, and the connection stays usable', async () => {
    await expect(sql.prepared('SELEC 1', [])).rejects.toMatchObject({ code: '42601' });
    expect(await sql.prepared('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  });
});
