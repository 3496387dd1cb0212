import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@service-ledger/core';
import { canonicalEvent, canonicalJson, chainHash, hashedFields, logHash } from './canonical';

describe('canonicalJson', () => {
  it('is byte-stable: keys sorted by code unit at every depth, undefined members dropped, arrays kept in order', () => {
    // Stored hashes depend on these exact bytes: any change here breaks verification of existing stores.
    const value = { b: 1, a: { z: [3, undefined, { y: null, x: 'é"\\n' }], '10': true, '9': false }, B: undefined, 'é': 0.5, '': [] };
    expect(canonicalJson(value)).toBe('{"":[],"a":{"10":true,"9":false,"z":[3,null,{"x":"é\\"\\\\n","y":null}]},"b":1,"é":0.5}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('s')).toBe('"s"');
  });
});

describe('canonicalEvent and chainHash', () => {
  const base: Omit<EventEnvelope, 'globalPosition'> = {
    eventId: 'e1', streamId: 'complaint-1', streamVersion: 3, type: 'ComplaintReceived', schemaVersion: 1,
    data: { z: 1, a: { y: [1, 'два'], b: null }, text: '漏水 "x" \\' }, occurredAt: '2026-03-01T00:00:00.000Z', recordedAt: '2026-03-01T00:00:01.000Z',
    actor: { staffId: 's1', role: 'receptionist' }, projectId: 'P01', correlationId: 'c1', causationId: null,
  };
  const variants: Omit<EventEnvelope, 'globalPosition'>[] = [
    base,
    { ...base, commandId: 'cmd-1', causationId: 'e0' },
    { ...base, causationId: undefined as unknown as null, data: {} },
    { ...base, actor: { role: 'technician', staffId: 's2' }, data: { list: [] } },
  ];
  it('writes exactly the bytes of canonicalJson(hashedFields(e)), so stored hashes still verify', () => {
    for (const e of variants) {
      expect(canonicalEvent(e)).toBe(canonicalJson(hashedFields(e)));
      expect(canonicalEvent(e, canonicalJson(e.data))).toBe(canonicalJson(hashedFields(e)));
      const reference = createHash('sha256').update('prev').update('\n').update(canonicalJson(hashedFields(e))).digest('hex');
      expect(chainHash('prev', e)).toBe(reference);
      // A stream's first event has no previous hash: the chain starts from the empty text.
      expect(chainHash(null, e)).toBe(createHash('sha256').update('').update('\n').update(canonicalJson(hashedFields(e))).digest('hex'));
    }
  });
});

describe('logHash', () => {
  it('hashes previous, seq, position, event hash (and the case number when chained) joined by newlines, as sealed logs were', () => {
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(logHash(null, 1n, '17', 'abc')).toBe(sha('\n1\n17\nabc'));
    expect(logHash('p', 2, 18n, 'def', 'P01-202603-0001')).toBe(sha('p\n2\n18\ndef\nP01-202603-0001'));
    expect(logHash('p', '3', '19', 'ghi', '')).toBe(sha('p\n3\n19\nghi\n'));
  });
});
