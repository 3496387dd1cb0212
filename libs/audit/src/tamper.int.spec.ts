import { sign } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainHash, checkpointMessage, createEventStore, logHash, type SqlEventStore } from '@service-ledger/event-store';
import { newId } from '@service-ledger/core';
import { Scenario } from '@service-ledger/testing';

/** Cases start only in registered projects. */
const registerP1 = (s: Scenario) =>
  s.pipeline.execute('RegisterProject', { projectId: 'p1', name: '翠湖花园', city: '杭州', buildings: [{ building: '1', units: ['0101'] }] }, {
    commandId: newId(), actor: { staffId: 'admin-1', role: 'admin' }, projectScope: '*', occurredAt: '2026-01-01T00:00:00+08:00', correlationId: newId(), causationId: null,
  }).catch((e: Error) => {
    if (!/already.exists/.test(e.message)) throw e;
  });
import { CheckpointFolder, generateCheckpointKey, loadSigningKey } from './checkpoints';
import { Sealer } from './sealer';
import { verifyStore, type VerifyReport } from './verify';

/**
 * The insider trials of issue #15, each on a copy of one small seeded PGlite store whose log was sealed with signed
 * checkpoints (every 4 entries, copies in a folder outside the data folder). The attacker has SQL access and the
 * public hash algorithm, not the signing key.
 */
type Sql = SqlEventStore['sql'];
let root: string;
let publicKeyPem: string;
let ids: { repair: string; complaint: string; repair2: string };

async function open(dir: string) {
  mkdirSync(dir, { recursive: true });
  return (await createEventStore({ kind: 'pglite', dataDir: join(dir, 'store') })) as SqlEventStore;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sl-tamper-'));
  const key = generateCheckpointKey(join(root, 'keys'));
  publicKeyPem = key.publicPem;
  const store = await open(join(root, 'seed'));
  const s = new Scenario(store);
  await registerP1(s);
  const repair = await s.repairToWork({ category: 'urgent', reported: '2026-03-10T10:00:00', arrived: '2026-03-10T11:00:00' });
  const complaint = await s.complaint('2026-03-11T10:00:00');
  await s.run('ReplyToComplainant', { complaintId: complaint, message: 'on it' }, '2026-03-11T11:00:00');
  await s.complete(repair, '2026-03-10T18:00:00');
  const repair2 = await s.repairToWork({ category: 'general', reported: '2026-03-12T10:00:00', arrived: '2026-03-12T11:00:00' });
  ids = { repair, complaint, repair2 };
  await new Sealer(store, { everyEvents: 4, everyMinutes: 60, key: loadSigningKey(key.privatePath), folder: new CheckpointFolder(join(root, 'seed', 'checkpoints')) }).sealOnce({ final: true });
  await store.close();
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh copy of the sealed store and its checkpoint folder; `tamper` runs on it, then plain verify. */
async function trial(tamper: (sql: Sql, store: SqlEventStore) => Promise<unknown>, opts: { folder?: boolean } = {}): Promise<VerifyReport> {
  const dir = mkdtempSync(join(root, 'trial-'));
  cpSync(join(root, 'seed'), dir, { recursive: true });
  const store = await open(dir);
  await tamper(store.sql, store);
  const report = await verifyStore(store, { publicKeyPem, checkpointDir: opts.folder === false ? undefined : join(dir, 'checkpoints') });
  await store.close();
  return report;
}
const pos = async (sql: Sql, stream: string, version: number) =>
  (await sql.query<{ p: string }>('SELECT position::text AS p FROM sl_events WHERE stream_id = $1 AND stream_version = $2', [stream, version]))[0].p;
const lastVersion = async (sql: Sql, stream: string) => (await sql.query<{ v: number }>('SELECT max(stream_version) AS v FROM sl_events WHERE stream_id = $1', [stream]))[0].v;

/** What an attacker does to make a stream consistent again: recompute its hashes and head with the public algorithm. */
async function rechainStream(store: SqlEventStore, stream: string): Promise<void> {
  const events = await store.readStream(stream);
  let prev: string | null = null;
  for (const e of events) {
    const hash = chainHash(prev, e);
    await store.sql.query('UPDATE sl_events SET hash = $1, prev_hash = $2 WHERE event_id = $3', [hash, prev, e.eventId]);
    prev = hash;
  }
  await store.sql.query('UPDATE sl_streams SET version = $2, last_hash = $3 WHERE stream_id = $1', [stream, events.length, prev]);
}

/** …and the global log after it: entries renumbered and rechained, the store's checkpoints given the new digests. */
async function rechainLog(sql: Sql): Promise<void> {
  await sql.query('DELETE FROM sl_log');
  const rows = await sql.query<{ position: string; hash: string; t: string; n: string | null }>('SELECT position::text AS position, hash, transaction_id::text AS t, case_number AS n FROM sl_events ORDER BY sl_events.transaction_id, sl_events.position');
  let prev: string | null = null;
  for (const [i, r] of rows.entries()) {
    prev = logHash(prev, i + 1, r.position, r.hash, r.n ?? '');
    await sql.query('INSERT INTO sl_log (seq, position, transaction_id, event_hash, log_hash, case_number) VALUES ($1, $2, $3::text::xid8, $4, $5, $6)', [i + 1, r.position, r.t, r.hash, prev, r.n ?? '']);
  }
  const cps = await sql.query<{ seq: string }>('SELECT seq::text AS seq FROM sl_log_checkpoints');
  for (const c of cps) await sql.query('UPDATE sl_log_checkpoints SET log_hash = l.log_hash, position = l.position FROM sl_log l WHERE l.seq = sl_log_checkpoints.seq AND l.seq = $1', [c.seq]);
}

describe('tamper evidence against an insider (plain verify, no outside anchor)', () => {
  it('an untouched sealed store verifies, with every checkpoint signed and its digest matching', async () => {
    const report = await trial(async () => undefined);
    expect(report).toMatchObject({ ok: true, findings: [], unsealed: 0, checkpoints: { trusted: true, notes: [] } });
    expect(report.sealed).toBe(report.events);
    expect(report.checkpoints).toMatchObject({ found: Math.ceil(report.events / 4), lastSeq: String(report.events) });
  });

  it('an edited event is found and located', async () => {
    let at = '';
    const r = await trial(async (sql) => {
      at = await pos(sql, `repair-${ids.repair}`, 2);
      await sql.query(`UPDATE sl_events SET data = jsonb_set(data, '{technicianId}', '"someone-else"') WHERE position = $1`, [at]);
    });
    expect(r.broken).toMatchObject({ position: at, problem: expect.stringMatching(/altered/) });
  });

  it('an event deleted mid-stream is found at its position', async () => {
    let at = '';
    const r = await trial(async (sql) => {
      at = await pos(sql, `repair-${ids.repair}`, 3);
      await sql.query('DELETE FROM sl_events WHERE position = $1', [at]);
    });
    expect(r.broken).toMatchObject({ position: at, problem: expect.stringMatching(/no longer in the store/) });
  });

  it('a stream’s last event deleted and the stream head fixed is found at that event', async () => {
    let at = '';
    const r = await trial(async (sql, store) => {
      const stream = `repair-${ids.repair2}`;
      const v = await lastVersion(sql, stream);
      at = await pos(sql, stream, v);
      await sql.query('DELETE FROM sl_events WHERE position = $1', [at]);
      await rechainStream(store, stream);
    });
    expect(r.broken).toMatchObject({ position: at, problem: expect.stringMatching(/no longer in the store/) });
  });

  it('a truncated log (last events, their log entries and the store’s checkpoints deleted, heads fixed) is found by the checkpoint copies', async () => {
    let from = '';
    const r = await trial(async (sql, store) => {
      const stream = `repair-${ids.repair2}`;
      const v = await lastVersion(sql, stream);
      from = (await sql.query<{ s: string }>('SELECT seq::text AS s FROM sl_log WHERE position = $1', [await pos(sql, stream, v - 1)]))[0].s;
      await sql.query('DELETE FROM sl_events WHERE stream_id = $1 AND stream_version >= $2', [stream, v - 1]);
      await sql.query('DELETE FROM sl_log WHERE seq >= $1', [from]);
      await sql.query('DELETE FROM sl_log_checkpoints WHERE seq >= $1', [from]);
      await rechainStream(store, stream);
    });
    expect(r.broken).toMatchObject({ seq: from, problem: expect.stringMatching(/truncated log/) });
  });

  it('two events of different streams swapped is found at the first of them', async () => {
    let first = '';
    const r = await trial(async (sql) => {
      const a = await pos(sql, `repair-${ids.repair}`, 6);
      const b = await pos(sql, `complaint-${ids.complaint}`, 2);
      first = String(Math.min(Number(a), Number(b)));
      await sql.query('UPDATE sl_events SET position = -1 WHERE position = $1', [a]);
      await sql.query('UPDATE sl_events SET position = $1 WHERE position = $2', [a, b]);
      await sql.query('UPDATE sl_events SET position = $1 WHERE position = -1', [b]);
    });
    expect(r.broken).toMatchObject({ position: first, problem: expect.stringMatching(/no longer in the store at its place/) });
  });

  it('the same swap with the global log recomputed is found by the signatures, and located by the checkpoint copies', async () => {
    let first = '';
    const swap = async (sql: Sql) => {
      const a = await pos(sql, `repair-${ids.repair}`, 6);
      const b = await pos(sql, `complaint-${ids.complaint}`, 2);
      first = String(Math.min(Number(a), Number(b)));
      await sql.query('UPDATE sl_events SET position = -1 WHERE position = $1', [a]);
      await sql.query('UPDATE sl_events SET position = $1 WHERE position = $2', [a, b]);
      await sql.query('UPDATE sl_events SET position = $1 WHERE position = -1', [b]);
      await rechainLog(sql);
    };
    const inStoreOnly = await trial(swap, { folder: false });
    expect(inStoreOnly.ok).toBe(false);
    expect(inStoreOnly.findings.some((f) => /does not verify with the trusted key/.test(f.problem))).toBe(true);
    const withCopies = await trial(swap);
    expect(withCopies.broken).toMatchObject({ position: first, problem: expect.stringMatching(/checkpoint copy outside the store lists/) });
  });

  it('a forged event with its hash recomputed, appended and backdated, is reported by time sanity', async () => {
    let at = '';
    const r = await trial(async (sql, store) => {
      const stream = `complaint-${ids.complaint}`;
      const [last] = await store.readStream(stream, { fromVersion: await lastVersion(sql, stream) });
      const forged = { ...last, eventId: '0190a000-0000-7000-8000-000000000001', streamVersion: last.streamVersion + 1, type: 'ComplaintClosed', data: { outcome: 'resolved' }, recordedAt: '2026-03-11T12:00:00.000Z', commandId: undefined };
      const [head] = await sql.query<{ last_hash: string }>('SELECT last_hash FROM sl_streams WHERE stream_id = $1', [stream]);
      const hash = chainHash(head.last_hash, forged);
      const [row] = await sql.query<{ p: string }>(
        `INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, causation_id, command_id, hash, prev_hash)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14) RETURNING position::text AS p`,
        [forged.eventId, stream, forged.streamVersion, forged.type, JSON.stringify(forged.data), forged.occurredAt, forged.recordedAt, forged.actor.staffId, forged.actor.role, forged.projectId, forged.correlationId, forged.causationId, hash, head.last_hash],
      );
      at = row.p;
      await sql.query('UPDATE sl_streams SET version = $2, last_hash = $3 WHERE stream_id = $1', [stream, forged.streamVersion, hash]);
    });
    expect(r.broken).toMatchObject({ kind: 'time', position: at, problem: expect.stringMatching(/backdated/) });
  });

  it('a forged event slipped in behind the sealer (an old transaction id) is found at its position', async () => {
    let at = '';
    const r = await trial(async (sql) => {
      const [row] = await sql.query<{ p: string }>(
        `INSERT INTO sl_events (transaction_id, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, hash, prev_hash)
         SELECT '1'::xid8, '0190a000-0000-7000-8000-000000000002', 'repair-forged', 1, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, hash, NULL
         FROM sl_events ORDER BY position LIMIT 1 RETURNING position::text AS p`,
      );
      at = row.p;
    });
    expect(r.findings.find((f) => f.position === at)).toMatchObject({ problem: expect.stringMatching(/inserted behind the sealer/) });
  });

  it('a whole stream rewritten consistently is found at its first event', async () => {
    let at = '';
    const r = await trial(async (sql, store) => {
      const stream = `repair-${ids.repair}`;
      at = await pos(sql, stream, 1);
      await sql.query(`UPDATE sl_events SET data = jsonb_set(data, '{category}', '"general"') WHERE position = $1`, [at]);
      await rechainStream(store, stream);
    });
    expect(r.broken).toMatchObject({ position: at, problem: expect.stringMatching(/not the one sealed/) });
  });

  it('a whole stream rewritten with the log recomputed fails the signatures, and the copies locate its first event', async () => {
    let at = '';
    const rewrite = async (sql: Sql, store: SqlEventStore) => {
      const stream = `repair-${ids.repair}`;
      at = await pos(sql, stream, 1);
      await sql.query(`UPDATE sl_events SET data = jsonb_set(data, '{category}', '"general"') WHERE position = $1`, [at]);
      await rechainStream(store, stream);
      await rechainLog(sql);
    };
    const inStoreOnly = await trial(rewrite, { folder: false });
    expect(inStoreOnly.broken).toMatchObject({ kind: 'checkpoint', problem: expect.stringMatching(/does not verify/) });
    const withCopies = await trial(rewrite);
    expect(withCopies.broken).toMatchObject({ position: at, problem: expect.stringMatching(/checkpoint copy outside the store/) });
  });

  it('a case number changed after sealing (the number → case lookup pointed elsewhere) is found at its case’s first event', async () => {
    let at = '';
    const r = await trial(async (sql) => {
      const [first] = await sql.query<{ p: string; n: string | null }>('SELECT position::text AS p, case_number AS n FROM sl_events WHERE stream_id = $1 AND stream_version = 1', [`complaint-${ids.complaint}`]);
      expect(first.n).toMatch(/^\S+-\d{6}-\d{4,}$/);
      at = first.p;
      await sql.query('UPDATE sl_events SET case_number = $1 WHERE position = $2', [`${first.n}0`, at]);
    });
    expect(r.broken).toMatchObject({ kind: 'event', position: at, streamId: `complaint-${ids.complaint}`, problem: expect.stringMatching(/case number .*was changed after sealing/) });
  });

  it('a case number changed in the event and in its log entry breaks the log’s digest there', async () => {
    let at = '';
    const r = await trial(async (sql) => {
      const [first] = await sql.query<{ p: string; n: string }>('SELECT position::text AS p, case_number AS n FROM sl_events WHERE stream_id = $1 AND stream_version = 1', [`repair-${ids.repair}`]);
      at = first.p;
      await sql.query('UPDATE sl_events SET case_number = $1 WHERE position = $2', [`${first.n}0`, at]);
      await sql.query('UPDATE sl_log SET case_number = $1 WHERE position = $2', [`${first.n}0`, at]);
    });
    expect(r.broken).toMatchObject({ kind: 'log', position: at, problem: expect.stringMatching(/stored digest does not follow/) });
  });

  it('a checkpoint signed with another key is not trusted', async () => {
    const forger = generateCheckpointKey(join(root, 'forger'));
    const r = await trial(async (sql) => {
      const [c] = await sql.query<{ seq: string; position: string; log_hash: string; sealed_at: string }>('SELECT seq::text AS seq, position::text AS position, log_hash, sealed_at FROM sl_log_checkpoints ORDER BY sl_log_checkpoints.seq LIMIT 1');
      const message = checkpointMessage({ seq: c.seq, position: c.position, logHash: c.log_hash, sealedAt: c.sealed_at });
      const signature = sign(null, Buffer.from(message), loadSigningKey(forger.privatePath).privateKey).toString('base64');
      await sql.query('UPDATE sl_log_checkpoints SET signature = $1 WHERE seq = $2', [signature, c.seq]);
    });
    expect(r.broken).toMatchObject({ kind: 'checkpoint', seq: '4', problem: expect.stringMatching(/in the store has a signature that does not verify/) });
    expect(readFileSync(join(root, 'keys', 'checkpoint-key.pub.pem'), 'utf8')).toBe(publicKeyPem);
  });
});
