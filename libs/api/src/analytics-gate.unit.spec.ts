import { OverloadedError } from '@service-ledger/core';
import { AnalyticsGate } from './analytics-gate';
import { PanelResults, readsTheClock } from './dashboards/panel-results';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe('AnalyticsGate', () => {
  it('runs at most `concurrency` reads, queues the next in arrival order, refuses past the queue bound', async () => {
    const gate = new AnalyticsGate({ concurrency: 2, queue: 2, retryAfterSeconds: 3 });
    const started: number[] = [];
    const holds = [0, 1, 2, 3].map(() => deferred());
    const reads = holds.map((h, i) => gate.run(async () => (started.push(i), await h.promise, i)));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    await expect(gate.run(async () => 'late')).rejects.toEqual(expect.objectContaining({ httpStatus: 503, code: 'overloaded', retryAfterSeconds: 3 }));
    await expect(gate.run(async () => 'late')).rejects.toBeInstanceOf(OverloadedError);
    holds[1].resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    holds[0].resolve();
    holds[2].resolve();
    holds[3].resolve();
    expect(await Promise.all(reads)).toEqual([0, 1, 2, 3]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a failing read frees its slot', async () => {
    const gate = new AnalyticsGate({ concurrency: 1, queue: 0 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});

describe('PanelResults', () => {
  it('keeps only what it may keep, evicts the least recently used, and shares a running query', async () => {
    const results = new PanelResults<string>(2);
    let queries = 0;
    const compute = (v: string) => async () => (queries++, v);
    expect(await results.get('a', true, compute('A'))).toBe('A');
    expect(await results.get('a', true, compute('other'))).toBe('A');
    expect(await results.get('open', false, compute('O1'))).toBe('O1');
    expect(await results.get('open', false, compute('O2'))).toBe('O2');
    await results.get('b', true, compute('B'));
    await results.get('a', true, compute('A2')); // a used again: b is now the oldest
    await results.get('c', true, compute('C'));
    expect(await results.get('b', true, compute('B2'))).toBe('B2');
    expect(await results.get('c', true, compute('C2'))).toBe('C');
    const hold = deferred();
    const first = results.get('slow', false, async () => (await hold.promise, 'S'));
    const second = results.get('slow', false, compute('never'));
    hold.resolve();
    expect(await Promise.all([first, second])).toEqual(['S', 'S']);
    expect(queries).toBe(6);
  });

  it('does not keep a failed query', async () => {
    const results = new PanelResults<string>(10);
    await expect(results.get('k', true, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await results.get('k', true, async () => 'up')).toBe('up');
  });

  it('tells clock-reading SQL apart', () => {
    expect(readsTheClock('SELECT countIf(deadline < now64(3)) FROM t')).toBe(true);
    expect(readsTheClock('SELECT today() AS d')).toBe(true);
    expect(readsTheClock('SELECT count() FROM t WHERE known_at > {from:DateTime64(3)}')).toBe(false);
  });
});
