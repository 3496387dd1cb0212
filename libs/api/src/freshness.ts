import { Inject, Injectable, Optional } from '@nestjs/common';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { EVENT_STORE, type EventStore, GlobalLogMonitor, SqlEventStore } from '@service-ledger/event-store';
import type { CheckResult, HealthCheck } from '@service-ledger/telemetry';

export interface ProjectionFreshness {
  position: string;
  lastEventRecordedAt: string | null;
  storeHead: string | null;
  behind: number | null;
}

/**
 * How far the projection behind KPI and panel answers has got, compared with the store's head: every such answer
 * carries it (a stale figure says so), and the `projection` health check turns "analytics holds none of the stored
 * events" — a process reading an analytics database nobody fills — into a visible alarm instead of silent zeros.
 */
@Injectable()
export class Freshness {
  private readonly monitor: GlobalLogMonitor | null;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Optional() @Inject(ANALYTICS) private readonly db?: Analytics,
  ) {
    this.monitor = store instanceof SqlEventStore ? new GlobalLogMonitor(store) : null;
  }

  /**
   * Cached for a second: a dashboard page asks once per panel. When the second is over, the next read starts a new
   * one and, until it answers, callers get the last answer: under load every request of that moment would otherwise
   * wait for the same position query.
   */
  of(): Promise<ProjectionFreshness> {
    if (!this.cached || Date.now() - this.cached.at > 1000) this.remember(this.read());
    return !this.cached!.settled && this.last ? Promise.resolve(this.last) : this.cached!.value;
  }

  private cached: { at: number; value: Promise<ProjectionFreshness>; settled: boolean } | null = null;
  /** The last position read, served while the next read runs (dropped when the projector says it moved). */
  private last: ProjectionFreshness | null = null;
  private generation = 0;

  private remember(value: Promise<ProjectionFreshness>): void {
    const generation = this.generation;
    const cached = { at: Date.now(), value, settled: false };
    value.then(
      (v) => {
        cached.settled = true;
        // A read that started before the projector moved must not become the "last" answer after it.
        if (generation === this.generation) this.last = v;
      },
      () => this.cached === cached && (this.cached = null),
    );
    this.cached = cached;
  }

  /**
   * The projector of this process has written a batch ending at `projected` (its last event: the projector writes
   * in log order, so that is the highest projected position). Answers use it at once, without asking analytics for
   * its position — under write load that query would queue behind the projector's own inserts for every request.
   * Without it, the next answer reads the position again.
   */
  moved(projected?: { position: string; lastEventRecordedAt: string | null }): void {
    this.generation++;
    this.last = null;
    this.cached = null;
    if (projected) this.remember(this.withHead(projected));
  }

  private async withHead(projected: { position: string; lastEventRecordedAt: string | null }): Promise<ProjectionFreshness> {
    const head = (await this.monitor?.head().catch(() => null)) ?? null;
    const behind = head === null ? null : Number(head > BigInt(projected.position) ? head - BigInt(projected.position) : 0n);
    return { position: projected.position, lastEventRecordedAt: projected.lastEventRecordedAt, storeHead: head?.toString() ?? null, behind };
  }

  private async read(): Promise<ProjectionFreshness> {
    return (await this.readWithEvents()).freshness;
  }

  /** With the number of raw events analytics holds (the position lags them until the aggregates are refreshed). */
  private async readWithEvents(): Promise<{ freshness: ProjectionFreshness; events: number }> {
    const [projected, head] = await Promise.all([this.db!.projectionPosition(), this.monitor?.head().catch(() => null) ?? null]);
    const behind = head === null ? null : Number(head > BigInt(projected.position) ? head - BigInt(projected.position) : 0n);
    return { freshness: { position: projected.position, lastEventRecordedAt: projected.lastEventRecordedAt, storeHead: head?.toString() ?? null, behind }, events: projected.events };
  }

  /** `degraded` when the store holds events and analytics none, or when the projection is `alarmBehind` positions behind. */
  check(alarmBehind = 10_000, setting = 'SL_ANALYTICS / SL_CLICKHOUSE_*'): HealthCheck {
    return {
      name: 'projection',
      check: async (): Promise<CheckResult> => {
        const { freshness: f, events } = await this.readWithEvents();
        // The raw events, not the position: a first catch-up's position stays 0 until its first aggregate refresh.
        if (f.storeHead !== null && f.storeHead !== '0' && events === 0) {
          return { status: 'degraded', message: `analytics holds none of the stored events: no projector writes to the database this process reads (check ${setting} and that the projector runs)`, ...f };
        }
        if (f.behind !== null && f.behind > alarmBehind) return { status: 'degraded', message: `projection ${f.behind} positions behind the store`, ...f };
        return { status: 'up', ...f };
      },
    };
  }
}
