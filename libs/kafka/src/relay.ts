import { type EventStore, type GlobalCheckpoint, PollingLoop, type ReadAllOptions, type SerializedBatch, type SerializedEvent, serializeEnvelope } from '@service-ledger/event-store';

/** What the relay needs from the Kafka side: resolves once the broker acknowledged every event of the batch. */
export interface EventPublisher {
  publish(events: SerializedEvent[]): Promise<void>;
}

/** What the relay reads: the global log (as ready JSON text where the store offers it) and its own checkpoint. */
export type RelaySource = Pick<EventStore, 'readAll' | 'readCheckpoint' | 'storeCheckpoint'> & Partial<Pick<EventStore, 'readAllSerialized'>>;

export interface RelayOptions {
  subscriptionId?: string;
  batchSize?: number;
  pollIntervalMs?: number;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
/** A promise that never rejects, so work started ahead of time cannot become an unhandled rejection. */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
const unwrap = <T>(s: Settled<T>): T => {
  if (!s.ok) throw s.error;
  return s.value;
};

/**
 * Follows the store's global log from a durable checkpoint and publishes it batch by batch. Batches are sent one at
 * a time (a failed batch must not be overtaken by the next, or a stream's order breaks), but the next batch is read
 * while the current one is in flight, and the checkpoint of an acknowledged batch is written while the next is sent.
 * The checkpoint only ever names acknowledged events: a crash between send and checkpoint re-sends, never loses.
 */
export class Relay extends PollingLoop {
  constructor(
    private readonly store: RelaySource,
    private readonly publisher: EventPublisher,
    private readonly options: Required<RelayOptions>,
  ) {
    super();
    this.start();
  }

  protected async run(): Promise<void> {
    const { subscriptionId, batchSize, pollIntervalMs } = this.options;
    const read = (after: GlobalCheckpoint) => settle(this.readSerialized({ after, limit: batchSize }));
    const save = (checkpoint: GlobalCheckpoint) => settle(this.store.storeCheckpoint(subscriptionId, checkpoint));
    /** Position after the last acknowledged batch: where to resume after a failure. */
    let acked = await this.store.readCheckpoint(subscriptionId);
    let saving: Promise<Settled<void>> = Promise.resolve({ ok: true, value: undefined });
    let reading = read(acked);
    let failures = 0;
    while (!this.stopped) {
      try {
        const batch = unwrap(await reading);
        if (batch.events.length > 0) {
          reading = read(batch.checkpoint);
          await this.publisher.publish(batch.events);
          acked = batch.checkpoint;
          unwrap(await saving);
          saving = save(acked);
        }
        if (batch.events.length < batchSize) {
          unwrap(await saving);
          this.markCaughtUp();
          if (batch.events.length === 0) {
            await this.sleep(pollIntervalMs);
            reading = read(acked);
          }
        }
        failures = 0;
        this.lastError = null;
      } catch (error) {
        failures += 1;
        this.failed(error, failures);
        await this.backoff(failures);
        // Whatever was read ahead is dropped: resume right after the last acknowledged batch, whose checkpoint
        // is written again in case that write was what failed.
        await reading;
        saving = save(acked);
        reading = read(acked);
      }
    }
    await reading;
    // stop() waits for the last acknowledged position to be stored; if that failed, the next start re-sends from the older one.
    const last = await saving;
    if (!last.ok) this.lastError = last.error;
  }

  private async readSerialized(options: ReadAllOptions): Promise<SerializedBatch> {
    if (this.store.readAllSerialized) return this.store.readAllSerialized(options);
    const batch = await this.store.readAll(options);
    return { events: batch.events.map(serializeEnvelope), checkpoint: batch.checkpoint };
  }
}

export function startRelay(store: RelaySource, publisher: EventPublisher, options: RelayOptions = {}): Relay {
  return new Relay(store, publisher, { subscriptionId: options.subscriptionId ?? 'relay', batchSize: options.batchSize ?? 1000, pollIntervalMs: options.pollIntervalMs ?? 100 });
}
