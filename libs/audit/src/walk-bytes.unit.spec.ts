import { canonicalJson, chainHash } from '@service-ledger/event-store';
import { Verifier } from './verifier';
import { canonicalJsonText, readEventRecs } from './walk-bytes';

/** jsonb's text output: keys shorter first, then bytewise; `", "` and `": "` between items. */
function jsonbText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsonbText).join(', ')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${jsonbText((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('canonicalJsonText (the verify worker’s rewrite of jsonb text into canonicalJson’s form)', () => {
  it.each([
    '{"total": 18500, "labourCost": 4000, "materialCost": 14500}',
    '{"wishes": "希望尽快解决", "channel": "letter", "location": {"unit": "1003", "building": "6"}, "complainant": {"name": "眭馨羽"}}',
    '[1, 1.50, -0, 0, -12, 1e20, 1E21, 1e-7, 123456789012345678, 0.1, true, false, null, [], {}, ""]',
    '{"a": 1, "a!": 2, "a b": 3, "B": 4, "_": 5, "": 6}',
    '"plain"',
    '  {"k" : [ {"z":1,"y":{"x":[2, {"b":1, "a":2}]}} ] }  ',
  ])('matches canonicalJson(JSON.parse(…)) for %s', (text) => {
    expect(canonicalJsonText(text)).toBe(canonicalJson(JSON.parse(text)));
  });

  it.each([
    ['an escape in a string', '{"k": "a\\"b"}'],
    ['an escaped key', '{"\\u0041": 1}'],
    ['a non-ASCII key (UTF-16 order is not byte order)', '{"é": 1, "z": 2}'],
    ['a repeated key (JSON.parse keeps the last)', '{"a": 1, "a": 2}'],
    ['a leading zero', '[01]'],
    ['a trailing comma', '[1, ]'],
    ['two values', '1 2'],
    ['a cut literal', 'tru'],
    ['an unterminated object', '{"a": 1'],
  ])('leaves %s to the general path', (_, text) => {
    expect(canonicalJsonText(text)).toBeNull();
  });

  it('agrees with canonicalJson on random values written as jsonb writes them', () => {
    const next = random(7);
    const keys = ['a', 'b', 'ab', 'a!', 'A', 'Z', 'id', 'caseId', 'total', 'x y', '_k', 'data', 'items', 'units'];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.3) return [0, -1, 7, 2.5, 1e21, -0.125, 123456789012345680000, 'text', '上海', '', true, false, null][Math.floor(next() * 13)];
      if (r < 0.55) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [keys[Math.floor(next() * keys.length)], value(depth + 1)]));
    };
    let fast = 0;
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      const got = canonicalJsonText(jsonbText(v));
      if (got !== null) fast += 1;
      expect(got ?? canonicalJson(v)).toBe(canonicalJson(v));
    }
    expect(fast).toBe(2000);
  });
});

describe('event rows read from the batch bytes', () => {
  const ms = Date.parse('2026-03-10T10:00:00.123Z');
  const envelope = (over: Record<string, unknown> = {}) => ({
    eventId: '01a2322b-fa7c-7cc1-b19f-aed960563be2', streamId: 'repair-1', streamVersion: 1, type: 'RepairReported', schemaVersion: 1,
    data: { scope: '已与业主现场确认维修范围', total: 18500, items: [{ b: 1, a: 2.5 }] }, occurredAt: new Date(ms - 5000).toISOString(), recordedAt: new Date(ms).toISOString(),
    actor: { staffId: 'P19-technician-1', role: 'technician' }, projectId: 'P19', correlationId: 'c-1', causationId: null as string | null, commandId: 'm-1' as string | undefined,
    ...over,
  });
  type Env = ReturnType<typeof envelope>;
  /** One row as SealedLog.readEvents writes it (to_json of a text is JSON.stringify's text). */
  const row = (position: number, e: Env, hash: string | null, prev: string | null, dataText = jsonbText(e.data)) =>
    [String(700), String(position), JSON.stringify(hash), JSON.stringify(prev), e.eventId, JSON.stringify(e.streamId), e.streamVersion, JSON.stringify(e.type), e.schemaVersion,
      Date.parse(e.occurredAt), Date.parse(e.recordedAt), JSON.stringify(e.actor.staffId), JSON.stringify(e.actor.role), JSON.stringify(e.projectId),
      JSON.stringify(e.correlationId), JSON.stringify(e.causationId), JSON.stringify(e.commandId ?? null), JSON.stringify(e.streamVersion === 1 ? 'P19-202603-0001' : null), dataText].join('\t');
  /** A stream of events, each chained to the one before, as rows of one batch. */
  const chain = (events: Env[]) => {
    let prev: string | null = null;
    return events.map((e, i) => {
      const hash = chainHash(prev, e as never);
      const r = row(i + 1, e, hash, prev);
      prev = hash;
      return r;
    });
  };
  /** As PGlite hands the batch over (bytes), or as PostgreSQL's driver does (text). */
  const verify = (rows: string[], as: 'bytes' | 'text' = 'bytes') => {
    const v = new Verifier({ storeCheckpoints: [], timeToleranceMs: 300_000, sealedHead: null });
    v.feed('log', '', true);
    v.feed('events', as === 'bytes' ? new Uint8Array(Buffer.from(rows.join('\n'))) : rows.join('\n'), true);
    return v.finish([]);
  };
  const events: Env[] = [
    envelope(),
    envelope({ streamVersion: 2, type: 'RepairQuoted', data: { scope: 'x', labourCost: 4000, materialCost: 14500, total: 18500 }, causationId: 'c-0', commandId: undefined }),
    envelope({ streamVersion: 3, type: 'RepairCompleted', data: {}, recordedAt: new Date(ms + 86_400_000 * 40).toISOString(), occurredAt: new Date(ms + 86_400_000 * 40).toISOString() }),
  ];

  it('reads a chained stream by the fast path (the general reader is not called) and finds every link holding', () => {
    const general = jest.fn();
    const recs = readEventRecs(Buffer.from(chain(events).join('\n')), Buffer.from(chain(events).join('\n')).toString('latin1'), general);
    expect(general).not.toHaveBeenCalled();
    expect(recs.map((r) => [r.position, r.version, r.contentOk])).toEqual([['1', 1, true], ['2', 2, true], ['3', 3, true]]);
    expect(verify(chain(events)).ok).toBe(true);
    expect(verify(chain(events), 'text')).toMatchObject({ ok: true, events: 3 });
  });

  it('hands rows it does not cover to the general reader, with the same verdicts', () => {
    const odd = [
      envelope({ streamId: 'repair-"quoted"\tid' }),
      envelope({ streamId: 'repair-"quoted"\tid', streamVersion: 2, data: { 'é': 1, z: 'a\\b' }, recordedAt: '+012026-03-10T10:00:00.123Z' }),
    ];
    const rows = chain(odd);
    const general = jest.fn(() => ({ end: 0 }) as never);
    readEventRecs(Buffer.from(rows[0]), Buffer.from(rows[0]).toString('latin1'), general);
    expect(general).toHaveBeenCalledTimes(1);
    const report = verify(rows);
    expect(report.findings).toEqual([]);
    expect(report.events).toBe(2);
  });

  it.each<[string, (e: Env) => Env]>([
    ['data', (e) => ({ ...e, data: { ...e.data, total: 18501 } })],
    ['actor', (e) => ({ ...e, actor: { ...e.actor, staffId: 'P19-technician-2' } })],
    ['recorded time by 1 ms', (e) => ({ ...e, recordedAt: new Date(Date.parse(e.recordedAt) + 1).toISOString() })],
    ['type', (e) => ({ ...e, type: 'RepairCancelled' })],
    ['command id', (e) => ({ ...e, commandId: 'm-2' })],
  ])('finds a stored event whose %s was edited after hashing', (what, edit) => {
    const rows = chain(events);
    const first = chainHash(null, events[0] as never);
    rows[1] = row(2, edit(events[1]), chainHash(first, events[1] as never), first);
    expect(verify(rows).findings.map((f) => [f.kind, f.position, f.streamId])).toEqual([['event', '2', 'repair-1']]);
  });

  it('takes data written with its keys in another order and other spacing for the same data', () => {
    const rows = chain(events);
    const first = chainHash(null, events[0] as never);
    const data = events[1].data as Record<string, unknown>;
    rows[1] = row(2, events[1], chainHash(first, events[1] as never), first, JSON.stringify(Object.fromEntries(Object.entries(data).reverse()), null, ' ').replace(/\n/g, ''));
    expect(verify(rows).findings).toEqual([]);
  });
});
