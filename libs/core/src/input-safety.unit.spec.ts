import { assertSafeInput, instantInRange } from './input-safety';

const issue = (value: unknown) => {
  try {
    assertSafeInput(value, 'payload');
  } catch (e) {
    return (e as { issues: { field: string; rule: string }[] }).issues[0];
  }
  return undefined;
};

describe('input safety', () => {
  it('names the field holding a NUL or a lone surrogate, at any depth', () => {
    expect(issue({ a: { b: ['ok', 'x\u0000'] } })).toEqual(expect.objectContaining({ field: 'payload.a.b.1', rule: 'no_nul' }));
    expect(issue({ remarks: 'x\ud800' })).toEqual(expect.objectContaining({ field: 'payload.remarks', rule: 'well_formed_unicode' }));
    expect(issue({ remarks: '\udc00x' })).toEqual(expect.objectContaining({ rule: 'well_formed_unicode' }));
    expect(issue({ remarks: '😀 好' })).toBeUndefined();
  });
  it('refuses prototype keys instead of dropping them', () => {
    expect(issue(JSON.parse('{"location":{"__proto__":{"x":1}}}'))).toEqual(expect.objectContaining({ field: 'payload.location.__proto__', rule: 'forbidden_key' }));
    expect(issue({ constructor: 1 })).toEqual(expect.objectContaining({ field: 'payload.constructor' }));
  });
  it('years outside 2000–2100 are not business time', () => {
    expect(instantInRange('0000-01-01T00:00:00Z')).toBe(false);
    expect(instantInRange('1900-01-01T00:00:00Z')).toBe(false);
    expect(instantInRange('2026-03-01T00:00:00+08:00')).toBe(true);
  });
});
