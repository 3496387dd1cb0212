import { COMPANY_SCOPE, DEFAULT_WEIGHTS, type ScoreWeights } from '@service-ledger/policies';
import { LIVE_AGGREGATE_ROWS } from '../aggregate-common';
import type { Analytics } from '../client';
import { type KpiDialect, PARAMETERS } from './builder';
import { type KpiFilters, kpiParams } from './run';

/** The weights are policy (libs/policies): company default, per-project override, versioned. */
export { DEFAULT_WEIGHTS, type ScoreWeights, scoreWeightsSection as scoreWeights } from '@service-ledger/policies';

/**
 * The staff scorecard, defined once as data and rendered by `staffScorecardSql` for the KPI export and the API (query
 * parameters, one month) and for the `staff/staff_scorecard` panel (the dashboards' template language, every month
 * of a time range): the same SQL text computes the counts, the weights in force, the score and the rank, so the
 * export's sheet, the panel and `service-ledger kpi sql staff_scorecard` agree by construction.
 *
 * Credits follow 首问负责制 (one row per case, person and credit in `staff_performance`): jobs received as first
 * responder, in the month of receipt; jobs handled as handler or technician, in the month of closure, with their
 * satisfaction; reworks attributed to the original technician, in the month the rework was reported. On-time counts
 * each clock for the person who answers for it, in the month of that credit: first responder and assessor in the
 * month of receipt, handler and visitor in the month of closure (a withdrawn handler or visitor credit, kept open,
 * counts nowhere).
 */
/** Its name in `service-ledger kpi sql` and the panel catalogue (`staff/staff_scorecard`). */
export const STAFF_SCORECARD_ID = 'staff_scorecard';

export const STAFF_SCORECARD = {
  /** The month a credit counts in. */
  creditedAt: { atClosure: ['handler', 'visitor'], otherwise: 'received_at', atClosureColumn: 'closed_at' },
  /** What is counted per project, person and month (`n_<name>`, as the rows' own columns are named alike): a condition on the credit rows. */
  counts: {
    received: "credit = 'first_responder'",
    handled: "credit = 'handler'",
    reworks: "credit = 'rework_attributed'",
    on_time: 'on_time = 1',
    on_time_base: 'on_time IS NOT NULL',
    satisfied: "credit = 'handler' AND satisfied = 1",
    visited: "credit = 'handler' AND satisfied IS NOT NULL",
  },
  /** Who is on the card for a month: someone who received, handled or was attributed a rework in it. */
  appears: 'n_received + n_handled + n_reworks > 0',
} as const;

/**
 * The credits summed per project, person and month they count in (`staff_credits_monthly`, aggregates.ts, migration
 * 9): one `n_<name>` column per count. The scorecard reads the months it asks wholly from it.
 */
export const STAFF_CREDITS_MONTHLY = 'staff_credits_monthly';

const atClosureList = () => STAFF_SCORECARD.creditedAt.atClosure.map((c) => `'${c}'`).join(', ');

/** The instant a `staff_performance` row's credit counts at: its closure for a handler or visitor, else its receipt. */
export function staffCreditedAt(): string {
  const { atClosureColumn, otherwise } = STAFF_SCORECARD.creditedAt;
  return `if(credit IN (${atClosureList()}), ${atClosureColumn}, ${otherwise})`;
}

/** The credit rows that count in some month: a handler's or visitor's only once closed (a withdrawn one is kept open). */
export function staffCredited(): string {
  return `(credit NOT IN (${atClosureList()}) OR ${STAFF_SCORECARD.creditedAt.atClosureColumn} IS NOT NULL)`;
}

/**
 * The score weights in force for a row's project at the end of its month, as `PolicyHistory.inForce` picks them: the
 * project's own latest change that sets weights (by effective instant, then log position), else the company's, else
 * the defaults. The changes are the PolicyChanged events the projector stored in `event_facts`, read without FINAL
 * (it merged the whole fact table for a few rows): a fact stored twice (a batch projected again after a crash) is the
 * same event at the same log position, so its copies sort next to each other and the last one picked is the same.
 * A tuple: the change the weights come from (`P02#3`, `company#1`, `default`), then on time, satisfaction, volume and
 * rework penalty.
 */
function weightsInForce(timeZone: string): string {
  const d = DEFAULT_WEIGHTS;
  const w = (k: keyof ScoreWeights) => `JSONExtractFloat(data, 'sections', 'scoreWeights', '${k}')`;
  const changes = `(SELECT groupArray((JSONExtractString(data, 'scope'), parseDateTime64BestEffort(JSONExtractString(data, 'effectiveFrom'), 3, 'UTC'), position,
        concat(JSONExtractString(data, 'scope'), '#', toString(JSONExtractUInt(data, 'change'))), ${w('onTime')}, ${w('satisfaction')}, ${w('volume')}, ${w('reworkPenalty')}))
      FROM {{event_facts}} WHERE type = 'PolicyChanged' AND JSONHas(data, 'sections', 'scoreWeights'))`;
  const monthEnd = `toDateTime64(toDateTime(addMonths(month, 1), ${timeZone}), 3)`;
  return `arrayLast(x -> 1, arrayConcat([('default', toFloat64(${d.onTime}), toFloat64(${d.satisfaction}), toFloat64(${d.volume}), toFloat64(${d.reworkPenalty}))],
        arrayMap(x -> (x.4, x.5, x.6, x.7, x.8), arraySort(x -> (x.1 = project_id, x.2, x.3),
          arrayFilter(x -> (x.1 = project_id OR x.1 = '${COMPANY_SCOPE}') AND x.2 < ${monthEnd}, ${changes})))))`;
}

/** The columns of a scorecard row, in order. */
export const STAFF_SCORECARD_COLUMNS = [
  'month', 'project_id', 'rank', 'staff_id', 'name', 'role', 'department', 'received', 'handled', 'on_time', 'on_time_base', 'on_time_rate',
  'satisfied', 'visited', 'satisfaction_rate', 'reworks', 'score', 'weights_from', 'weight_on_time', 'weight_satisfaction', 'weight_volume', 'weight_rework_penalty',
] as const;

/**
 * The scorecard's SQL in a dialect: one row per month, project and person, with the weights it was scored with.
 * score = on time × on-time rate + satisfaction × satisfaction rate + volume × handled ÷ most handled in the project
 * and month − penalty × reworks, floored at 0 and rounded to 2 decimals; a missing rate counts as 1 (nothing to hold
 * against the person); equal scores share a rank. The department and person filters choose whom to show after
 * scoring and ranking: a person's score and rank are those within the whole project, whoever else is shown.
 *
 * The counts per person-month come from the monthly aggregate of the credits for the months the request covers
 * wholly in the aggregates' zone (the export's month, the whole months of a panel's range), and from the credits
 * themselves for the rest (a part month, another time zone): the same integers either way, so the same card. The
 * staff names join the aggregated rows (not every credit), and the weights come from one scalar read of the policy
 * changes, picked once per project and month (the people of a project-month gathered, then spread again): picked per
 * person-month they were two thirds of the panel's time. (Reading the credits counted at receipt and at closure apart,
 * to prune by the key and by the closed_at index, measured slower: two FINAL passes.) `first` (the panel, which shows its
 * first rows ordered by month, latest first, and project) scores only the project-months those rows fall in.
 */
export function staffScorecardSql(dialect: KpiDialect = PARAMETERS, o: { first?: number } = {}): string {
  const { counts, appears } = STAFF_SCORECARD;
  const names = Object.keys(counts);
  const tz = dialect.timeZone;
  // A person-month shown whatever their department: the person filter matches them and no department filter is set (a
  // person missing from the staff table has the department '' after the LEFT JOIN, so this is the filter on them).
  const shownForSure = `(${dialect.staff(['staff_id'])} AND ${dialect.department("''")})`;
  // With `first`, the whole months older than the latest ones that surely hold `first` rows are not summed at all. An
  // aggregate row (one per project, month and person) whose counts make the person appear is a person-month shown for
  // sure (the part months' rows only add to other months, and sums only grow), so the months from this one on hold at
  // least `first` rows before any older project-month, which `kept` below would leave out anyway. 1970 (no cut) when
  // the whole months never reach `first`: max() of no rows is the type's default.
  const fromMonth = `(SELECT max(m) FROM (
                SELECT m, sum(n) OVER (ORDER BY m DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS through
                FROM (SELECT credited_month AS m, countIf(${appears} AND ${shownForSure}) AS n FROM {{${STAFF_CREDITS_MONTHLY}}} FINAL
                      WHERE ${LIVE_AGGREGATE_ROWS} AND ${dialect.wholeMonths('credited_month')} AND ${dialect.project('project_id')} GROUP BY m))
              WHERE through >= ${Math.floor(o.first ?? 0)})`;
  // The two parts' columns are c_<name> (a sum named like the column it sums would be read as that column).
  const perPersonMonth = `SELECT month, project_id, staff_id, ${names.map((k) => `sum(c_${k}) AS n_${k}`).join(', ')}
            FROM (
              SELECT credited_month AS month, project_id, staff_id, ${names.map((k) => `n_${k} AS c_${k}`).join(', ')}
              FROM {{${STAFF_CREDITS_MONTHLY}}} FINAL WHERE ${LIVE_AGGREGATE_ROWS} AND ${dialect.wholeMonths('credited_month')} AND ${dialect.project('project_id')}${o.first ? ` AND credited_month >= ${fromMonth}` : ''}
              UNION ALL
              SELECT toStartOfMonth(credited_at, ${tz}) AS month, project_id, staff_id, ${Object.entries(counts).map(([k, c]) => `countIf(${c}) AS c_${k}`).join(', ')}
              FROM (SELECT project_id, staff_id, credit, on_time, satisfied, ${staffCreditedAt()} AS credited_at
                    FROM {{staff_performance}} FINAL WHERE ${staffCredited()} AND ${dialect.outsideWholeMonths('credited_at')} AND ${dialect.project('project_id')})
              GROUP BY month, project_id, staff_id)
            GROUP BY month, project_id, staff_id
            HAVING ${appears}`;
  const projectMonths = `SELECT month, project_id, groupArray((staff_id, ${names.map((k) => `n_${k}`).join(', ')})) AS people${o.first ? `, countIf(${shownForSure}) AS shown_here` : ''}
              FROM (
                ${perPersonMonth})
              GROUP BY month, project_id`;
  // With `first`, only the project-months holding the first rows in the panel's order (latest month first, then
  // project) are scored, each whole: the weights, scores, ranks and names of the others were computed and thrown away
  // by the panel's LIMIT (12 months × 200 projects scored for 500 rows shown). A project-month is kept while fewer
  // than `first` rows come before it; the rows counted are those surely shown, so too few are counted (more kept) with
  // a department filter, whose people are only known after the staff join, and never too many.
  const kept = o.first
    ? `SELECT * FROM (SELECT *, sum(shown_here) OVER (ORDER BY month DESC, project_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS shown_before
                FROM (${projectMonths})) WHERE shown_before < ${Math.floor(o.first)}`
    : projectMonths;
  return `SELECT formatDateTime(card.month, '%Y-%m') AS month, card.project_id AS project_id, card.rank AS rank, card.staff_id AS staff_id,
    st.name AS name, st.role AS role, st.department AS department, ${names.map((k) => `card.n_${k} AS ${k}`).join(', ')},
    card.on_time_rate AS on_time_rate, card.satisfaction_rate AS satisfaction_rate, card.score AS score, card.weights_from AS weights_from,
    card.weight_on_time AS weight_on_time, card.weight_satisfaction AS weight_satisfaction, card.weight_volume AS weight_volume, card.weight_rework_penalty AS weight_rework_penalty
  FROM (
    SELECT *, rank() OVER (PARTITION BY month, project_id ORDER BY score DESC) AS rank
    FROM (
      SELECT *, round(greatest(0, weight_on_time * ifNull(on_time_rate, 1) + weight_satisfaction * ifNull(satisfaction_rate, 1)
          + weight_volume * n_handled / greatest(1, max(n_handled) OVER (PARTITION BY month, project_id)) - weight_rework_penalty * n_reworks), 2) AS score
      FROM (
        SELECT *, if(n_on_time_base = 0, NULL, n_on_time / n_on_time_base) AS on_time_rate, if(n_visited = 0, NULL, n_satisfied / n_visited) AS satisfaction_rate,
          w.1 AS weights_from, w.2 AS weight_on_time, w.3 AS weight_satisfaction, w.4 AS weight_volume, w.5 AS weight_rework_penalty
        FROM (
          SELECT month, project_id, person.1 AS staff_id, ${names.map((k, i) => `person.${i + 2} AS n_${k}`).join(', ')}, w
          FROM (
            SELECT *, ${weightsInForce(tz)} AS w
            FROM (
              ${kept}))
          ARRAY JOIN people AS person)))) AS card
  LEFT JOIN (SELECT staff_id, name, role, department FROM {{staff}} FINAL) AS st ON st.staff_id = card.staff_id
  WHERE ${dialect.department('st.department')} AND ${dialect.staff(['card.staff_id'])}`;
}

export interface StaffScore {
  month: string;
  projectId: string;
  staffId: string;
  name: string;
  role: string;
  department: string;
  firstResponderJobs: number;
  handled: number;
  onTime: number;
  onTimeBase: number;
  onTimeRate: number | null;
  satisfied: number;
  visited: number;
  satisfactionRate: number | null;
  reworks: number;
  score: number;
  rank: number;
  /** The weights the score was computed with, and the policy change they come from (`default`: none). */
  weights: ScoreWeights;
  weightsFrom: string;
}

/**
 * The staff scorecard of one month (export, API, CLI): `staffScorecardSql` with the month, project, department and
 * person as query parameters, ordered by project and rank.
 */
export async function staffScorecard(db: Analytics, filters: KpiFilters): Promise<StaffScore[]> {
  const rows = await db.query<Record<(typeof STAFF_SCORECARD_COLUMNS)[number], string | number | null>>(
    `${staffScorecardSql(PARAMETERS)} ORDER BY project_id, rank, handled DESC, staff_id`,
    kpiParams(filters),
  );
  const rate = (v: string | number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    month: String(r.month), projectId: String(r.project_id), staffId: String(r.staff_id), name: String(r.name ?? ''), role: String(r.role ?? ''), department: String(r.department ?? ''),
    firstResponderJobs: Number(r.received), handled: Number(r.handled), onTime: Number(r.on_time), onTimeBase: Number(r.on_time_base), onTimeRate: rate(r.on_time_rate),
    satisfied: Number(r.satisfied), visited: Number(r.visited), satisfactionRate: rate(r.satisfaction_rate), reworks: Number(r.reworks), score: Number(r.score), rank: Number(r.rank),
    weights: { onTime: Number(r.weight_on_time), satisfaction: Number(r.weight_satisfaction), volume: Number(r.weight_volume), reworkPenalty: Number(r.weight_rework_penalty) },
    weightsFrom: String(r.weights_from),
  }));
}
