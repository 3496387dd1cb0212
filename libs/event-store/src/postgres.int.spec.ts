import { Client } from 'pg';
import { newId } from '@service-ledger/core';
import { createTestDatabase } from '../../../test/support/postgres';
import { createEventStore } from './create-event-store';
import { START, type EventStore } from './event-store.port';
import { SqlEventStore } from './sql/sql-event-store';
import { SealedLog } from './sql/sealed-log';
import { logHash } from './canonical';
import { WrongExpectedVersionError } from '@service-ledger/core';
import { runEventStoreContract, testEvent } from './testing/contract';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase('sl_store');
});
afterAll(async () => db?.drop());

const available = () => db !== null;

runEventStoreContract('postgres', () =>
  available()
    ? {
        open: async (upcasters) => {
          const store = await createEventStore({ kind: 'postgres', url: db!.url }, upcasters);
          await (store as SqlEventStore).sql.exec('TRUNCATE sl_events, sl_streams, sl_checkpoints, sl_log, sl_log_checkpoints');
          return store;
        },
        reopen: (upcasters) => createEventStore({ kind: 'postgres', url: db!.url }, upcasters),
      }
    : null,
);

describe('postgres: processes starting together', () => {
  it('set up the schema of a fresh database one after the other, so every one of them starts', async () => {
    if (!available()) return;
    // Compose starts the API, relay, projector and scheduler at once: without the set-up lock two of them creating
    // sl_streams together failed with a duplicate row type (pg_type_typname_nsp_index).
    const fresh = await createTestDatabase('sl_store_start');
    try {
      const stores = await Promise.all([1, 2, 3, 4].map(() => createEventStore({ kind: 'postgres', url: fresh!.url })));
      await stores[0].append(`case-${newId()}`, [testEvent('A1')], 'no_stream');
      expect((await stores[3].readAll({ limit: 10 })).events.map((e) => e.type)).toEqual(['A1']);
      await Promise.all(stores.map((st) => st.close()));
    } finally {
      await fresh?.drop();
    }
  });
});

describe('postgres global log: the bigserial gap problem', () => {
  let store: EventStore;
  beforeEach(async () => {
    if (!available()) return;
    store = await createEventStore({ kind: 'postgres', url: db!.url });
    await (store as SqlEventStore).sql.exec('TRUNCATE sl_events, sl_streams, sl_checkpoints, sl_log, sl_log_checkpoints');
  });
  afterEach(async () => store?.close());

  it('never lets a reader skip an event that commits after a later-numbered one', async () => {
    if (!available()) return;
    const slow = new Client({ connectionString: db!.url });
    await slow.connect();
    try {
      // Transaction A takes a position and stays open.
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at,
           actor_id, actor_role, project_id, correlation_id) VALUES ($1, 'slow-1', 1, 'A', 1, '{}', now(), now(), 's', 'system', 'p', 'c')`,
        [newId()],
      );
      // Transaction B takes a later position and commits first.
      await store.append('fast-1', [testEvent('B')], 'no_stream');
      const whileOpen = await store.readAll({ after: START });
      expect(whileOpen.events.map((e) => e.type)).toEqual([]); // B is held back: A might still commit before it
      await slow.query('COMMIT');
      const after = await store.readAll({ after: whileOpen.checkpoint });
      expect(after.events.map((e) => e.type)).toEqual(['A', 'B']);
      expect(after.events[0].globalPosition < after.events[1].globalPosition).toBe(true);
    } finally {
      await slow.end();
    }
  });

  it('a follower sees every event exactly once while many writers append concurrently', async () => {
    if (!available()) return;
    const writers = 8;
    const perWriter = 40;
    const seen = new Map<string, number>();
    let done = false;
    const follower = (async () => {
      let after = START;
      for (;;) {
        // Only a read that starts after every writer's commit may end the loop: an empty batch from a read whose
        // snapshot predates the last commit (done flipped meanwhile) proves nothing, so the flag is taken first.
        const writersFinished = done;
        const batch = await store.readAll({ after, limit: 50 });
        for (const e of batch.events) seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1);
        after = batch.checkpoint;
        if (batch.events.length === 0) {
          if (writersFinished) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    })();
    const written: string[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          const r = await store.append(`w${w}-${i % 5}`, [testEvent('W')], 'any');
          written.push(...r.events.map((e) => e.eventId));
        }
      }),
    );
    done = true;
    await follower;
    expect(written).toHaveLength(writers * perWriter);
    expect(seen.size).toBe(written.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('postgres: two processes appending to one stream', () => {
  it('a stream head cached by one and moved by the other costs a typed conflict, never a broken chain', async () => {
    if (!available()) return;
    const [a, b] = (await Promise.all([1, 2].map(() => createEventStore({ kind: 'postgres', url: db!.url })))) as SqlEventStore[];
    try {
      const s = `case-${newId()}`;
      await a.append(s, [testEvent('A1')], 'no_stream');
      await b.readStream(s);
      await b.append(s, [testEvent('B2')], 1);
      // a still holds version 1 as the head: the one-statement path must not write on top of it.
      await expect(a.append(s, [testEvent('A2')], 1)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await a.append(s, [testEvent('A3')], 2);
      await b.append(s, [testEvent('B4')], 3);
      const rows = (await a.readRawAll()).filter((r) => r.envelope.streamId === s);
      expect(rows.map((r) => [r.envelope.type, r.envelope.streamVersion])).toEqual([['A1', 1], ['B2', 2], ['A3', 3], ['B4', 4]]);
      rows.forEach((r, i) => expect(r.prevHash).toBe(i === 0 ? null : rows[i - 1].hash));
      const [head] = await a.sql.query<{ version: number; last_hash: string }>('SELECT version, last_hash FROM sl_streams WHERE stream_id = $1', [s]);
      expect(head).toEqual({ version: 4, last_hash: rows[3].hash });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('postgres: the sealer numbers the global log behind concurrent writers', () => {
  it('never seals past a transaction still open, and two sealers racing with many writers leave one dense chain in global order', async () => {
    if (!available()) return;
    // One after the other: two schema set-ups racing on a fresh database collide in the catalogue.
    const a = (await createEventStore({ kind: 'postgres', url: db!.url })) as SqlEventStore;
    const b = (await createEventStore({ kind: 'postgres', url: db!.url })) as SqlEventStore;
    await a.sql.exec('TRUNCATE sl_events, sl_streams, sl_checkpoints, sl_log, sl_log_checkpoints');
    const slow = new Client({ connectionString: db!.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at,
           actor_id, actor_role, project_id, correlation_id, hash) VALUES ($1, 'slow-1', 1, 'A', 1, '{}', now(), now(), 's', 'system', 'p', 'c', 'h')`,
        [newId()],
      );
      await a.append('fast-1', [testEvent('B')], 'no_stream');
      expect((await new SealedLog(a.sql).seal(100)).entries).toEqual([]); // B waits: A might still commit before it
      await slow.query('COMMIT');
      // Writers and two sealers at once: a sealer that loses the race rolls back (unique seq) and the other continues.
      let writing = true;
      const sealing = [a, b].map(async (s) => {
        const log = new SealedLog(s.sql);
        while (writing) await log.seal(7).catch((e: { code?: string }) => expect(e.code).toBe('23505'));
      });
      await Promise.all(Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 25; i++) await (i % 2 ? a : b).append(`w${w}-${i % 4}`, [testEvent('W'), testEvent('W')], 'any');
      }));
      writing = false;
      await Promise.all(sealing);
      while ((await new SealedLog(a.sql).seal(1000)).entries.length > 0);
      const log = await a.sql.query<{ seq: string; position: string; txid: string; event_hash: string; log_hash: string; case_number: string | null }>('SELECT seq::text AS seq, position::text AS position, transaction_id::text AS txid, event_hash, log_hash, case_number FROM sl_log ORDER BY sl_log.seq');
      const order = await a.sql.query<{ position: string; hash: string; txid: string }>('SELECT position::text AS position, hash, transaction_id::text AS txid FROM sl_events ORDER BY sl_events.transaction_id, sl_events.position');
      // The sealed order is the global order exactly. (Where they part, name both sides with their transaction ids.)
      const at = log.findIndex((l, i) => l.position !== order[i]?.position);
      if (at >= 0) process.stderr.write(`sealed log parts from the global order at #${at + 1}: log ${JSON.stringify(log.slice(Math.max(0, at - 2), at + 3))} events ${JSON.stringify(order.slice(Math.max(0, at - 2), at + 3))}\n`);
      expect(log.map((l) => l.position)).toEqual(order.map((e) => e.position));
      expect(log.map((l) => l.seq)).toEqual(log.map((_, i) => String(i + 1)));
      let digest: string | null = null;
      for (const l of log) expect(l.log_hash).toBe((digest = logHash(digest, l.seq, l.position, l.event_hash, l.case_number)));
      expect(log.map((l) => l.event_hash)).toEqual(order.map((e) => e.hash));
    } finally {
      await slow.end();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
