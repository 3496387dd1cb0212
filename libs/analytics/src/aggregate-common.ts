/**
 * What readers of the monthly aggregates (aggregates.ts) need, in a module of its own because the aggregates import
 * the KPI definitions that read them (kpi/builder.ts, kpi/staff-scorecard.ts).
 */

/** The time zone the aggregates cut months in: the default one, also Grafana's. A request in another zone reads the source tables. */
export const AGGREGATE_TIME_ZONE = 'Asia/Shanghai';

/** Rows of an aggregate that count: groups left without source rows stay behind with `source_rows = 0`. */
export const LIVE_AGGREGATE_ROWS = 'source_rows > 0';
