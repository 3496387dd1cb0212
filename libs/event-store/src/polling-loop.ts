import type { Subscription } from './event-store.port';

/**
 * The lifecycle every follower of the global log shares: a loop started once, `caughtUp` the first time it reaches
 * the head, idle waits that `stop` cuts short, and capped exponential backoff after a failure. Subclasses
 * call `start()` at the end of their constructor (their own fields are set by then) and implement `run`.
 */
export abstract class PollingLoop implements Subscription {
  readonly caughtUp: Promise<void>;
  protected markCaughtUp!: () => void;
  protected stopped = false;
  /** Last error, for health/metrics (null once a round succeeds again). */
  lastError: unknown = null;
  /** Called on every failed round (before the backoff): where a process logs and counts it. */
  onFailure: ((error: unknown, consecutive: number) => void) | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor() {
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  protected start(): void {
    this.loop = this.run();
  }

  protected abstract run(): Promise<void>;

  /** Records a failed round for health and the process's log/metrics. */
  protected failed(error: unknown, consecutive: number): void {
    this.lastError = error;
    try {
      this.onFailure?.(error, consecutive);
    } catch {
      /* an observer must not break the loop */
    }
  }

  /** Wait after the n-th failure in a row: 200 ms doubling up to 10 s. */
  protected backoff(failures: number): Promise<void> {
    return this.sleep(Math.min(100 * 2 ** failures, 10_000));
  }

  protected sleep(ms: number): Promise<void> {
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
