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

/** Cases per project, month of receipt (opening), case type, department and repair category (migration 11). */
export const CASES_RECEIVED_MONTHLY = 'cases_received_monthly';

/** Completed cases (repairs) per project, month of completion, case type, department and repair category (migration 11). */
export const CASES_COMPLETED_MONTHLY = 'cases_completed_monthly';

/** What a KPI condition writes for the wall clock ("breached now": clockStatusNow, kpi/builder.ts). */
export const NOW = 'now64(3)';

/**
 * A condition reading the clock, split so that a monthly aggregate can keep it: rows meeting it before any deadline
 * has passed (`settled`: the condition with the clock at the epoch, a countIf), and, for the other rows, the instant
 * from which they meet it (`comesDue`: the earliest of the row's deadlines after which the condition holds, gathered
 * sorted per group). A reader counts `settled + arrayCount(d -> d < now64(3), comesDue)`. Exact for conditions that,
 * once true, stay true as the clock moves on (breached, decided), and change only when the clock passes one of the
 * `_deadline` columns they name (a deadline is passed 1 ms after it: `deadline < now`).
 */
export function clockCondition(condition: string): { settled: string; comesDue: string } {
  if (!condition.includes(NOW)) throw new Error(`not a condition on the clock: ${condition}`);
  const deadlines = [...new Set(condition.match(/\b\w+_deadline\b/g) ?? [])];
  // Written out for one or two deadlines (every KPI's today), without arrays and lambdas per row.
  if (deadlines.length === 0 || deadlines.length > 2) throw new Error(`a condition on the clock with ${deadlines.length} deadline columns (one or two are kept): ${condition}`);
  const at = (instant: string) => condition.replaceAll(NOW, instant);
  const before = at("toDateTime64(0, 3, 'UTC')");
  // Whether the condition holds 1 ms after each deadline (a deadline is passed then); the earliest such deadline.
  const passes = deadlines.map((d) => `(${d} IS NOT NULL AND (${at(`(assumeNotNull(${d}) + toIntervalMillisecond(1))`)}))`);
  const [first, second] = deadlines.map((d) => `assumeNotNull(${d})`);
  const earliest = second ? `multiIf(${passes[0]} AND ${passes[1]}, least(${first}, ${second}), ${passes[0]}, ${first}, ${second})` : first;
  return { settled: `countIf(${before})`, comesDue: `arraySort(groupArrayIf(${earliest}, NOT (${before}) AND (${passes.join(' OR ')})))` };
}
