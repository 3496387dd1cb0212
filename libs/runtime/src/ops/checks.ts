import type { Analytics } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { dependencyCheck, type HealthCheck, type Metrics } from '@service-ledger/telemetry';

/** The event store: every process that reads or writes it is `down` without it. */
export const eventStoreCheck = (store: EventStore, metrics: Metrics): HealthCheck =>
  dependencyCheck('eventStore', metrics, async () => (await store.ping(), { kind: store.kind }), 'down');

/**
 * The analytics database. `down` for the projector and scheduler (their only job is there); `degraded` for the API,
 * which still takes commands while KPIs cannot be read.
 */
export const analyticsCheck = (db: Analytics, metrics: Metrics, whenDown: 'down' | 'degraded'): HealthCheck =>
  dependencyCheck('analytics', metrics, async () => (await db.ping(), { kind: db.kind, database: db.database }), whenDown);
