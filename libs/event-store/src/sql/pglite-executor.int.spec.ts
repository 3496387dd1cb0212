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
});
