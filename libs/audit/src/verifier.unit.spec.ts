import { parseWalkRows } from './verifier';

/** The walk's tab-separated batches (SealedLog.readEvents): free text arrives JSON-quoted, so tabs cannot shift fields. */
describe('parseWalkRows', () => {
  const event = (actor: string, causation: string, data: string) =>
    ['12', '34', '"h1"', 'null', 'e-1', '"case-1"', '2', '"T"', '1', '1000', '2000', actor, '"reception"', '"p1"', '"c1"', causation, 'null', '"P1-202603-0001"', data].join('\t');

  it('reads free text with tabs, newlines and quotes as written, null as null, and the data as JSON', () => {
    const [row] = parseWalkRows(event(JSON.stringify('a\tb\nc"d'), 'null', '{"k": "v\\u0009"}'), 'events');
    expect(row).toEqual(['12', '34', 'h1', null, 'e-1', 'case-1', 2, 'T', 1, 1000, 2000, 'a\tb\nc"d', 'reception', 'p1', 'c1', null, null, 'P1-202603-0001', { k: 'v\t' }]);
  });

  it('refuses a line of another shape instead of guessing its fields', () => {
    expect(() => parseWalkRows(event('"a"\t"b"', 'null', '{}'), 'events')).toThrow(/more than 19 fields/);
    expect(() => parseWalkRows('1\t2\t3', 'log')).toThrow(/fewer than 6 fields/);
  });

  it('reads log rows line by line, the case number null on entries sealed without one', () => {
    expect(parseWalkRows('1\t10\t7\t"aa"\t"bb"\tnull\n2\t11\t7\t"cc"\t"dd"\t""', 'log')).toEqual([['1', '10', '7', 'aa', 'bb', null], ['2', '11', '7', 'cc', 'dd', '']]);
  });
});
