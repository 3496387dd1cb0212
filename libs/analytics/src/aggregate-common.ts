/**
 * What readers of the monthly aggregates (aggregates.ts) need, in a module of its own because the aggregates import
 * the KPI definitions that read them (kpi/builder.ts, kpi/staff-scorecard.ts).
 */

/** The time zone the aggregates cut months in: the default one, also Grafana's. A request in another zone reads the source tables. */
export const AGGREGATE_TIME_ZONE = 'Asia/Shanghai';

/** Rows of an aggregate that count: groups left without source rows stay behind with `source_rows = 0`. */
export const LIVE_AGGREGATE_ROWS = 'source_rows > 0';

/** Follow-up visits summed per project, visit month, case type and department (aggregates.ts, migration 10). */
export const SATISFACTION_VISITS_MONTHLY = 'satisfaction_visits_monthly';

/** Closed cases and those with a follow-up visit per project, closure month, case type and department (migration 10). */
export const CLOSED_CASES_MONTHLY = 'closed_cases_monthly';

/** The cases `closed_cases_monthly` sums: closed and not cancelled, the follow-up visit rate's cases of every type. */
export const CLOSED_CASES = "closed_at IS NOT NULL AND status != 'cancelled'";
