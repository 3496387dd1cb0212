import type { Projector } from '@service-ledger/analytics';
import type { EventEnvelope } from '@service-ledger/core';
import { correlationIdsOf, FailureTracker, type HealthCheck, type Logger, type Metrics, secondsSince } from '@service-ledger/telemetry';

/**
 * The projector's batch handler with what an operator needs around it: every failure logged (first of a run at error,
 * with the batch's positions and correlation ids), counted in sl_projector_errors_total and shown by the `projector`
 * health check until a batch succeeds again; successes observed (size, duration, position, quarantined events).
 * The failing batch is still thrown back to the source, which retries it: nothing is skipped.
 */
export function observedProjector(projector: Pick<Projector, 'handle' | 'stats'>, metrics: Metrics, log: Logger, whenFailing: 'down' | 'degraded') {
  const tracker = new FailureTracker();
  const m = metrics.projector;
  let lastEventRecordedAt: string | null = null;
  async function handle(events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const started = process.hrtime.bigint();
    const quarantinedBefore = projector.stats.quarantined;
    const batch = { fromPosition: events[0].globalPosition.toString(), toPosition: events[events.length - 1].globalPosition.toString(), events: events.length, correlationIds: correlationIdsOf(events) };
    try {
      await projector.handle(events);
    } catch (error) {
      const { first } = tracker.failed(error);
      m.errors.inc();
      if (first) log.error({ ...batch, err: tracker.lastError }, `projector: batch failed, retrying with backoff: ${tracker.lastError}`);
      else log.warn({ ...batch, consecutiveFailures: tracker.consecutive }, `projector: batch still failing: ${tracker.lastError}`);
      throw error;
    }
    if (tracker.consecutive > 0) log.info(`projector: recovered after ${tracker.consecutive} failed attempts`);
    tracker.succeeded();
    lastEventRecordedAt = events[events.length - 1].recordedAt;
    m.batchSize.observe(events.length);
    m.batchDuration.observe(secondsSince(started));
    m.position.set(Number(projector.stats.lastPosition));
    m.quarantined.inc(projector.stats.quarantined - quarantinedBefore);
    log.debug(batch, 'projector: batch written');
  }
  const check: HealthCheck = {
    name: 'projector',
    check: () => tracker.result(whenFailing, { position: projector.stats.lastPosition.toString(), lastEventRecordedAt, lastSuccessAt: tracker.lastSuccessAt?.toISOString() ?? null }),
  };
  return { handle, tracker, check, lastEventRecordedAt: () => lastEventRecordedAt };
}
