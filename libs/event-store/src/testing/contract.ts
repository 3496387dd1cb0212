import { newId, type NewEvent, WrongExpectedVersionError } from '@service-ledger/core';
import type { EventEnvelope } from '@service-ledger/core';
import { START, type EventStore } from '../event-store.port';
import { serializeEnvelope } from '../serialized';
import { Upcasters } from '../upcasters';

export interface ContractFactory {
  /** A fresh, empty store; `reopen` gives a second instance on the same storage (durability). */
  open(upcasters?: Upcasters): Promise<EventStore>;
  reopen?(upcasters?: Upcasters): Promise<EventStore>;
  cleanup?(): Promise<void>;
}

export function testEvent(type = 'Thing', data: Record<string, unknown> = {}, commandId?: string): NewEvent {
  return {
    type,
    schemaVersion: 1,
    data,
    metadata: {
      occurredAt: '2026-03-02T01:00:00.000Z',
      actor: { staffId: 'staff-1', role: 'receptionist' },
      projectId: 'p1',
      correlationId: newId(),
      causationId: null,
      commandId,
    },
  };
}

async function drain(store: EventStore): Promise<EventEnvelope[]> {
  const all: EventEnvelope[] = [];
  let after = START;
  for (;;) {
    const batch = await store.readAll({ after, limit: 3 });
    all.push(...batch.events);
    if (batch.events.length === 0) return all;
    after = batch.checkpoint;
  }
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The contract every EventStore adapter must pass (docs/architecture.md: ports and adapters). With `skip` set, every
 * case is declared skipped, so a missing server shows in the report as skipped tests, never as passes.
 */
export function runEventStoreContract(name: string, factory: () => ContractFactory | null, skip?: string): void {
  (skip ? describe.skip : describe)(skip ? `EventStore contract: ${name} (skipped: ${skip})` : `EventStore contract: ${name}`, () => {
    let f: ContractFactory;
    let store: EventStore;
    beforeEach(async () => {
      const made = factory();
      if (!made) return;
      f = made;
      store = await f.open();
    });
    afterEach(async () => {
      await store?.close();
      await f?.cleanup?.();
    });

    it('appends events and reads the stream back in version order with full envelopes', async () => {
      const s = `case-${newId()}`;
      const r1 = await store.append(s, [testEvent('A', { n: 1 }), testEvent('B', { n: 2 })], 'no_stream');
      expect(r1.nextExpectedVersion).toBe(2);
      await store.append(s, [testEvent('C', { n: 3, nested: { z: 1, a: [1, 2] } })], 2);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.type, e.streamVersion])).toEqual([['A', 1], ['B', 2], ['C', 3]]);
      expect(read[2].data).toEqual({ n: 3, nested: { z: 1, a: [1, 2] } });
      expect(read[0].eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(read[0].eventId[14]).toBe('7'); // UUIDv7
      expect(read[0].occurredAt).toBe('2026-03-02T01:00:00.000Z');
      expect(read[0].actor).toEqual({ staffId: 'staff-1', role: 'receptionist' });
      expect(read[0].projectId).toBe('p1');
      expect(Date.parse(read[0].recordedAt)).not.toBeNaN();
      expect(read[0].globalPosition < read[2].globalPosition).toBe(true);
      expect(await store.readStream(`case-${newId()}`)).toEqual([]);
    });

    it('numbers new cases per series inside the append: unique and gap-free under concurrent creation, none spent by a refused or repeated append', async () => {
      const series = `P${newId().slice(-6)}-202610`;
      const opened = (commandId?: string): NewEvent => ({ ...testEvent('CaseOpened', {}, commandId), caseNumberSeries: series });
      const streams = Array.from({ length: 12 }, () => `case-${newId()}`);
      const results = await Promise.all(streams.map((s) => store.append(s, [opened(), testEvent('Next')], 'no_stream')));
      if (store.kind === 'kurrentdb') {
        // KurrentDB has no counter it can move in the same write: its adapter leaves cases unnumbered (README).
        expect(results.every((r) => r.events[0].caseNumber === undefined)).toBe(true);
        return;
      }
      const numbers = results.map((r) => r.events[0].caseNumber!);
      expect([...numbers].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `${series}-${String(i + 1).padStart(4, '0')}`));
      expect(results.every((r) => r.events[1].caseNumber === undefined)).toBe(true);
      // Read back the same on every read path.
      const [first] = await store.readStream(streams[0]);
      expect(first.caseNumber).toBe(numbers[0]);
      const logged = (await drain(store)).filter((e) => e.streamVersion === 1 && streams.includes(e.streamId));
      expect(logged.map((e) => e.caseNumber).sort()).toEqual([...numbers].sort());
      // A refused append (the stream exists) and a retried command spend no number; the next case gets 13.
      await expect(store.append(streams[0], [opened()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const commandId = newId();
      const s13 = `case-${newId()}`;
      const r13 = await store.append(s13, [opened(commandId)], 'no_stream');
      const again = await store.append(`case-${newId()}`, [opened(commandId)], 'no_stream');
      expect(again.duplicate).toBe(true);
      expect(r13.events[0].caseNumber).toBe(`${series}-0013`);
      expect(again.events[0].caseNumber).toBe(`${series}-0013`);
      // Without a series nothing is numbered.
      expect((await store.append(`case-${newId()}`, [testEvent()], 'no_stream')).events[0].caseNumber).toBeUndefined();
    });

    it('rejects every kind of wrong expected version with a typed error and appends nothing', async () => {
      const s = `case-${newId()}`;
      await expect(store.append(s, [testEvent()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(store.append(s, [testEvent()], 3)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await store.append(s, [testEvent()], 'no_stream');
      await expect(store.append(s, [testEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const err = await store.append(s, [testEvent()], 0).catch((e) => e);
      expect(err).toBeInstanceOf(WrongExpectedVersionError);
      expect(err.actual).toBe(1);
      await store.append(s, [testEvent()], 'any');
      await store.append(s, [testEvent()], 'stream_exists');
      expect((await store.readStream(s)).length).toBe(3);
    });

    it('lets exactly one of several concurrent appends at the same version win', async () => {
      const s = `case-${newId()}`;
      await store.append(s, [testEvent()], 'no_stream');
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.append(s, [testEvent()], 1)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
      }
      expect((await store.readStream(s)).length).toBe(2);
    });

    it('reads the global log in commit order, page by page from a checkpoint', async () => {
      const a = `case-${newId()}`;
      const b = `case-${newId()}`;
      await store.append(a, [testEvent('A1'), testEvent('A2')], 'no_stream');
      await store.append(b, [testEvent('B1')], 'no_stream');
      await store.append(a, [testEvent('A3')], 2);
      const all = await drain(store);
      expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3']);
      const first = await store.readAll({ limit: 2 });
      const rest = await store.readAll({ after: first.checkpoint });
      expect(rest.events.map((e) => e.type)).toEqual(['B1', 'A3']);
      const empty = await store.readAll({ after: rest.checkpoint });
      expect(empty.events).toEqual([]);
      expect(empty.checkpoint).toBe(rest.checkpoint);
    });

    it('finds the events of a client command id', async () => {
      const cmd = newId();
      const s = `case-${newId()}`;
      await store.append(s, [testEvent('X', {}, cmd), testEvent('Y', {}, cmd)], 'no_stream');
      expect((await store.findByCommandId(cmd)).map((e) => e.type)).toEqual(['X', 'Y']);
      expect(await store.findByCommandId(newId())).toEqual([]);
    });

    it('an append whose command id is already stored appends nothing and answers with what that command appended', async () => {
      const cmd = newId();
      const s = `case-${newId()}`;
      const first = await store.append(s, [testEvent('X', {}, cmd), testEvent('Y', {}, cmd)], 'no_stream');
      expect(first.duplicate).toBeFalsy();
      // At the head it just wrote (the one-statement path), with 'any', and on another stream: nothing is appended.
      for (const [stream, expected] of [[s, 2], [s, 'any'], [`case-${newId()}`, 'no_stream']] as const) {
        const retry = await store.append(stream, [testEvent('X', {}, cmd)], expected);
        expect(retry.duplicate).toBe(true);
        expect(retry.nextExpectedVersion).toBe(2);
        expect(retry.events.map((e) => [e.streamId, e.eventId])).toEqual(first.events.map((e) => [s, e.eventId]));
      }
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['X', 'Y']);
      expect((await drain(store)).filter((e) => e.commandId === cmd)).toHaveLength(2);
      expect((await store.append(s, [testEvent('Z', {}, newId())], 2)).nextExpectedVersion).toBe(3);
    });

    it('upcasts old schema versions on every read', async () => {
      await store.close();
      const upcasters = new Upcasters().register('Renamed', 1, (d) => ({ fullText: d.text }));
      store = await f.open(upcasters);
      const s = `case-${newId()}`;
      await store.append(s, [testEvent('Renamed', { text: 'leak' })], 'no_stream');
      const [fromStream] = await store.readStream(s);
      expect(fromStream.schemaVersion).toBe(2);
      expect(fromStream.data).toEqual({ fullText: 'leak' });
      const fromLog = (await drain(store)).find((e) => e.streamId === s)!;
      expect(fromLog.data).toEqual({ fullText: 'leak' });
    });

    it('serialises the global log exactly as readAll + serializeEnvelope would, upcasting included (where offered)', async () => {
      if (!store.readAllSerialized) return;
      await store.close();
      store = await f.open(new Upcasters().register('Renamed', 1, (d) => ({ fullText: d.text })));
      const readAllSerialized = store.readAllSerialized!.bind(store);
      const s = `case-${newId()}`;
      const caused = { ...testEvent('Caused', { n: 0.5, big: 12345678901, nested: { list: [1, 'два', null, true] } }, newId()) };
      caused.metadata = { ...caused.metadata, causationId: newId(), occurredAt: '2026-12-31T23:59:59.999Z' };
      await store.append(s, [testEvent('Plain', { text: '漏水 "quoted" \\ back\nline\ttab' })], 'no_stream');
      await store.append(s, [caused, testEvent('Renamed', { text: 'leak' }, newId())], 1);
      await store.append(`case-${newId()}`, [testEvent('Other', { emoji: '🏠', empty: {} })], 'no_stream');
      for (let after = START, pages = 0; ; pages++) {
        const [plain, serialized] = [await store.readAll({ after, limit: 2 }), await readAllSerialized({ after, limit: 2 })];
        expect(serialized.checkpoint).toBe(plain.checkpoint);
        expect(serialized.events.map(({ json, ...routing }) => ({ ...routing, value: JSON.parse(json) }))).toEqual(
          plain.events.map(serializeEnvelope).map(({ json, ...routing }) => ({ ...routing, value: JSON.parse(json) })),
        );
        if (plain.events.length === 0) {
          expect(pages).toBe(2);
          break;
        }
        after = plain.checkpoint;
      }
      // readAll and readStream decode along different paths (one JSON text per row, one column per field): same envelopes.
      const streamIds = [...new Set((await drain(store)).map((e) => e.streamId))];
      const fromStreams = (await Promise.all(streamIds.map((id) => store.readStream(id)))).flat();
      const byPosition = (a: EventEnvelope, b: EventEnvelope) => (a.globalPosition < b.globalPosition ? -1 : 1);
      expect((await drain(store)).sort(byPosition)).toStrictEqual(fromStreams.sort(byPosition));
      const renamed = (await readAllSerialized({ limit: 10 })).events.find((e) => e.type === 'Renamed')!;
      expect(renamed.schemaVersion).toBe(2);
      expect(JSON.parse(renamed.json)).toMatchObject({ schemaVersion: 2, data: { fullText: 'leak' } });
    });

    it('delivers every event to a subscription in order, and resumes from the stored checkpoint', async () => {
      const seen: string[] = [];
      const s = `case-${newId()}`;
      await store.append(s, [testEvent('E1'), testEvent('E2')], 'no_stream');
      const sub = store.subscribe({ subscriptionId: 'contract', pollIntervalMs: 20 }, async (events) => {
        seen.push(...events.map((e) => e.type));
      });
      await sub.caughtUp;
      await store.append(s, [testEvent('E3')], 2);
      await waitFor(() => seen.length === 3);
      await sub.stop();
      expect(seen).toEqual(['E1', 'E2', 'E3']);
      await store.append(s, [testEvent('E4')], 3);
      const resumed = f.reopen ? await f.reopen() : store;
      const later: string[] = [];
      const sub2 = resumed.subscribe({ subscriptionId: 'contract', pollIntervalMs: 20 }, async (events) => {
        later.push(...events.map((e) => e.type));
      });
      await sub2.caughtUp;
      await sub2.stop();
      expect(later).toEqual(['E4']);
      if (resumed !== store) await resumed.close();
    });

    it('does not advance the checkpoint when the handler fails, and retries the same batch', async () => {
      const s = `case-${newId()}`;
      await store.append(s, [testEvent('F1')], 'no_stream');
      let calls = 0;
      const delivered: string[] = [];
      const sub = store.subscribe({ subscriptionId: 'failing', pollIntervalMs: 20 }, async (events) => {
        calls += 1;
        if (calls === 1) throw new Error('projection down');
        delivered.push(...events.map((e) => e.type));
      });
      await waitFor(() => delivered.length === 1);
      await sub.stop();
      expect(calls).toBe(2);
      expect(delivered).toEqual(['F1']);
      expect(await store.readCheckpoint('failing')).not.toBe(START);
    });
  });
}
