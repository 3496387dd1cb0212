import { isJsonValue, jsonValue } from './json-value';

describe('jsonValue', () => {
  it('equals the JSON round trip for every kind of member', () => {
    const samples: unknown[] = [
      { a: 1, b: undefined, c: null, d: 'x', e: [1, undefined, () => 1, { f: undefined, g: [] }], h: { i: { j: true } } },
      { n: NaN, inf: -Infinity, zero: -0, big: 1e21, fn: () => 1, when: new Date('2026-03-01T08:00:00.123Z') },
      [undefined, 'два', { k: Symbol('s') }],
      { nested: { toJSON: () => ({ replaced: true }) } },
      'text',
      42,
      null,
    ];
    for (const sample of samples) expect(jsonValue(sample)).toStrictEqual(JSON.parse(JSON.stringify(sample)));
  });

  it('copies: changing the result leaves the input alone', () => {
    const input = { list: [{ a: 1 }] };
    const out = jsonValue(input);
    out.list[0].a = 2;
    expect(input.list[0].a).toBe(1);
  });
});

describe('isJsonValue', () => {
  it('is true exactly when the JSON round trip gives the value back unchanged', () => {
    const plain: unknown[] = [{ a: 1, c: null, d: 'x', e: [1, { g: [] }], h: { i: { j: true } } }, ['два', 0, -1.5, false], 'text', 42, null, Object.assign(Object.create(null), { a: 1 })];
    const not: unknown[] = [{ b: undefined }, [1, undefined], [1, , 3], { n: NaN }, { zero: -0 }, { inf: Infinity }, { when: new Date(0) }, { fn: () => 1 }, { nested: { toJSON: () => 1 } }, { s: Symbol('s') }, { big: 1n }, new (class Point { x = 1 })(), undefined];
    for (const sample of plain) {
      expect(isJsonValue(sample)).toBe(true);
      expect(JSON.parse(JSON.stringify(sample))).toEqual(sample);
    }
    for (const sample of not) expect(isJsonValue(sample)).toBe(false);
  });
});
