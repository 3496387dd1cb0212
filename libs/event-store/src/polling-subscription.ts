import type { EventStore, SubscribeOptions, Subscription, SubscriptionHandler } from './event-store.port';

type Reader = Pick<EventStore, 'readAll' | 'readCheckpoint' | 'storeCheckpoint'>;

/**
 * Catch-up then live subscription by polling the global log. The checkpoint is stored only after the
 * handler resolves; a failing handler is retried with backoff on the same batch, never skipped.
 */
export class PollingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;
  /** Last error of the handler, for health/metrics. */
  lastError: unknown = null;

  constructor(
    private readonly store: Reader,
    private readonly options: SubscribeOptions,
    private readonly handler: SubscriptionHandler,
  ) {
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.loop = this.run();
  }

  /** Poll now instead of waiting for the interval (e.g. right after an append in the same process). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const idleMs = this.options.pollIntervalMs ?? 200;
    let checkpoint = await this.store.readCheckpoint(this.options.subscriptionId);
    let failures = 0;
    while (!this.stopped) {
      let batch;
      try {
        batch = await this.store.readAll({ after: checkpoint, limit: batchSize });
        if (batch.events.length > 0) {
          await this.handler(batch.events, batch.checkpoint);
          await this.store.storeCheckpoint(this.options.subscriptionId, batch.checkpoint);
          checkpoint = batch.checkpoint;
        }
        failures = 0;
        this.lastError = null;
      } catch (error) {
        this.lastError = error;
        failures += 1;
        await this.sleep(Math.min(100 * 2 ** failures, 10_000));
        continue;
      }
      if (batch.events.length < batchSize) {
        this.markCaughtUp();
        await this.sleep(idleMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
