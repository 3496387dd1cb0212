import { jsonValue } from './json-value';

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
