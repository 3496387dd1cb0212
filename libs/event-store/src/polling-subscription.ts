import type { EventStore, SubscribeOptions, SubscriptionHandler } from './event-store.port';
import { PollingLoop } from './polling-loop';

type Reader = Pick<EventStore, 'readAll' | 'readCheckpoint' | 'storeCheckpoint'>;

/**
 * Catch-up then live subscription by polling the global log. The checkpoint is stored only after the
 * handler resolves; a failing handler is retried with backoff on the same batch, never skipped.
 */
export class PollingSubscription extends PollingLoop {
  constructor(
    private readonly store: Reader,
    private readonly options: SubscribeOptions,
    private readonly handler: SubscriptionHandler,
  ) {
    super();
    this.start();
  }

  protected async run(): Promise<void> {
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
        failures += 1;
        this.failed(error, failures);
        await this.backoff(failures);
        continue;
      }
      if (batch.events.length < batchSize) {
        this.markCaughtUp();
        await this.sleep(idleMs);
      }
    }
  }
}
