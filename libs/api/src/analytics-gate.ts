import { OverloadedError } from '@service-ledger/core';
import type { Metrics } from '@service-ledger/telemetry';

export interface AnalyticsGateOptions {
  /**
   * Analytics reads of this process running at once (default 2). chDB runs a query on a worker thread with all
   * cores of its own, and two queries side by side took about as long as one after the other (measured: 180 ms
   * alone, 620 ms for two together on 2 cores), so more at once only makes every one of them slower.
   */
  concurrency?: number;
  /** Reads that may wait for a slot (default 100); one more is answered 503 with Retry-After, not queued. */
  queue?: number;
  /** Seconds the 503 tells the caller to wait (default 1). */
  retryAfterSeconds?: number;
}

/**
 * A counting semaphore in front of the API's analytics reads (dashboard panels, KPIs). Reads queue in arrival
 * order; past the queue bound they are refused at once with 503 + Retry-After, so a crowd of dashboards cannot
 * pile up unbounded memory and latency. Commands never pass through it: they go to the event store, and the
 * projector writes to analytics on its own path, so neither waits behind a queue of reads.
 */
export class AnalyticsGate {
  readonly concurrency: number;
  readonly queueBound: number;
  private readonly retryAfterSeconds: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: AnalyticsGateOptions = {}, private readonly metrics?: Metrics) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.queueBound = Math.max(0, options.queue ?? 100);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  /** Runs `read` when a slot is free; throws OverloadedError when the queue is full. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    const m = this.metrics?.analyticsReads;
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueBound) {
        m?.rejected.inc();
        throw new OverloadedError(this.retryAfterSeconds);
      }
      const queuedAt = process.hrtime.bigint();
      // The slot is handed over by the finishing read (running is not decremented in between), so a newcomer
      // cannot overtake the queue.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      m?.wait.observe(Number(process.hrtime.bigint() - queuedAt) / 1e9);
    } else {
      this.running++;
      m?.wait.observe(0);
    }
    this.gauge();
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
      this.gauge();
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private gauge(): void {
    const m = this.metrics?.analyticsReads;
    m?.running.set(this.running);
    m?.waiting.set(this.waiting.length);
  }
}
