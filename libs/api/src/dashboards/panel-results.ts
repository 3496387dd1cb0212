import type { Metrics } from '@service-ledger/telemetry';

/** SQL whose answer moves with the wall clock (a running clock turns "breached" at its deadline with no new event). */
const CLOCK_DEPENDENT = /\b(now|now64|today|yesterday)\s*\(/i;

export const readsTheClock = (sql: string): boolean => CLOCK_DEPENDENT.test(sql);

/**
 * Panel answers, kept and shared.
 *
 * Kept (an LRU of `maxEntries`): only answers that cannot change while the projection stands still — a closed time
 * range (it ended before the request) and SQL that does not read the clock. The key holds the panel, the normalised
 * filters, the caller's own project scope and the projection position, so a new projected event (the position
 * moves) makes every older entry unreachable, and one scope's answer is never given to another.
 *
 * Shared: an identical request (same key) arriving while that query runs waits for it instead of running it again,
 * whether kept or not. Its answer is as fresh as the request it joins, which started at most one query earlier.
 */
export class PanelResults<T> {
  private readonly entries = new Map<string, T>();
  private readonly running = new Map<string, Promise<T>>();

  constructor(
    readonly maxEntries = 500,
    private readonly metrics?: Metrics,
  ) {}

  async get(key: string, keep: boolean, compute: () => Promise<T>): Promise<T> {
    const m = this.metrics?.analyticsReads;
    if (keep && this.entries.has(key)) {
      const hit = this.entries.get(key)!;
      // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, hit);
      m?.panelCache.inc({ outcome: 'hit' });
      return hit;
    }
    const inFlight = this.running.get(key);
    if (inFlight) {
      m?.panelCache.inc({ outcome: 'shared' });
      return inFlight;
    }
    m?.panelCache.inc({ outcome: keep ? 'miss' : 'uncacheable' });
    const answer = compute();
    this.running.set(key, answer);
    try {
      const value = await answer;
      if (keep && this.maxEntries > 0) {
        this.entries.set(key, value);
        while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        m?.panelCacheEntries.set(this.entries.size);
      }
      return value;
    } finally {
      this.running.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
