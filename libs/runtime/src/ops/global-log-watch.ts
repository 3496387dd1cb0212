import { GlobalLogMonitor, type GlobalLogSample, SqlEventStore, type EventStore } from '@service-ledger/event-store';
import { type CheckResult, errorMessage, type HealthCheck, type Logger, type Metrics } from '@service-ledger/telemetry';

export interface GlobalLogWatchOptions {
  /** Checkpoints whose lag is reported (relay, projector). */
  subscriptions: string[];
  /** Held events older than this make the check degraded and are logged with the blocking backend. */
  stallAlertSeconds: number;
  intervalMs?: number;
  /** Sets the lag gauges of the subscription this process runs. */
  lag?: (id: string, lag: GlobalLogSample['subscriptions'][string]) => void;
}

/**
 * Samples the global log every couple of seconds (SQL stores only): head position, lag of this process's checkpoint,
 * events held behind an open transaction anywhere in the PostgreSQL cluster and the backend that holds them. Feeds
 * metrics, the `globalLog` health check, and one warning per blocker (repeated each minute while it lasts).
 */
export class GlobalLogWatch implements HealthCheck {
  readonly name = 'globalLog';
  last: GlobalLogSample | null = null;
  private error: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly monitor: GlobalLogMonitor;
  private warned = new Map<string, number>();

  constructor(
    store: SqlEventStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: GlobalLogWatchOptions,
  ) {
    this.monitor = new GlobalLogMonitor(store);
  }

  /** Null for stores without a transaction fence (KurrentDB). */
  static for(store: EventStore, metrics: Metrics, log: Logger, options: GlobalLogWatchOptions): GlobalLogWatch | null {
    return store instanceof SqlEventStore ? new GlobalLogWatch(store, metrics, log, options) : null;
  }

  start(): this {
    const tick = async () => {
      await this.sample();
      if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 2000).unref();
    };
    this.timer = setTimeout(tick, 0).unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async sample(): Promise<void> {
    try {
      const s = await this.monitor.sample(this.options.subscriptions);
      this.last = s;
      this.error = null;
      const g = this.metrics.globalLog;
      g.head.set(Number(s.head));
      g.heldEvents.set(s.held.events);
      g.heldSeconds.set(s.held.oldestAgeSeconds);
      g.blockerSeconds.set(s.blocker?.ageSeconds ?? 0);
      for (const [id, lag] of Object.entries(s.subscriptions)) this.options.lag?.(id, lag);
      if (this.stalled(s)) this.warn(s);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private stalled(s: GlobalLogSample): boolean {
    return s.held.events > 0 && s.held.oldestAgeSeconds >= this.options.stallAlertSeconds;
  }

  private warn(s: GlobalLogSample): void {
    const b = s.blocker;
    const key = b ? `${b.kind}:${b.pid ?? b.gid}` : 'unknown';
    const now = Date.now();
    if ((this.warned.get(key) ?? 0) > now - 60_000) return;
    this.warned.set(key, now);
    this.log.warn({ heldEvents: s.held.events, heldSeconds: Math.round(s.held.oldestAgeSeconds), blocker: b }, `global log stalled: ${describe(s)}`);
  }

  check(): CheckResult {
    if (this.error) return { status: 'down', message: `cannot read the global log: ${this.error}` };
    const s = this.last;
    if (!s) return { status: 'up', message: 'not sampled yet' };
    const details = { head: s.head.toString(), heldEvents: s.held.events, heldSeconds: Math.round(s.held.oldestAgeSeconds), blocker: s.blocker, subscriptions: s.subscriptions };
    return this.stalled(s) ? { status: 'degraded', message: describe(s), ...details } : { status: 'up', ...details };
  }
}

function describe(s: GlobalLogSample): string {
  const b = s.blocker;
  const who = !b
    ? 'no blocking backend visible (grant pg_monitor to the store user to see other sessions)'
    : b.kind === 'prepared'
      ? `prepared transaction '${b.gid}' in database ${b.database}, prepared ${Math.round(b.ageSeconds)} s ago (COMMIT PREPARED or ROLLBACK PREPARED it)`
      : `backend pid ${b.pid} in database ${b.database} (${b.state ?? 'state hidden'}${b.applicationName ? `, ${b.applicationName}` : ''}), transaction open ${Math.round(b.ageSeconds)} s`;
  return `${s.held.events} committed events held for ${Math.round(s.held.oldestAgeSeconds)} s behind ${who}`;
}
