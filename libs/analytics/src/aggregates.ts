import { randomBytes } from 'node:crypto';
import {
  AGGREGATE_TIME_ZONE, CASES_COMPLETED_MONTHLY, CASES_RECEIVED_MONTHLY, clockCondition, CLOSED_CASES, CLOSED_CASES_MONTHLY, LIVE_AGGREGATE_ROWS, NOW, SATISFACTION_VISITS_MONTHLY,
} from './aggregate-common';
import { allEnded, type Analytics, inlined } from './client';
import { OPEN_CLOCK } from './kpi/builder';
import { clockStatus } from './kpi/definitions';
import { STAFF_CREDITS_MONTHLY, STAFF_SCORECARD, staffCreditedAt, staffCredited } from './kpi/staff-scorecard';

/**
 * Monthly per-project aggregates of the projection tables, for panels and exports that would otherwise read (with
 * FINAL) every row of a year of clocks or staff credits.
 *
 * Why the projector recomputes slices instead of a materialized view: the projection tables are ReplacingMergeTrees
 * whose rows are re-written whole each time their case changes. A view on their inserts would add a case's new row
 * on top of its old one (counted twice), and a retraction needs the old row, which the projector does not hold (it
 * folds events, not rows). So an aggregate row is keyed by the slice its source rows live in — the project and the
 * UTC month of the source's slice instant (`AGGREGATE_SOURCES`: the instant that leads the source table's partition
 * and sorting key, which never changes for a row) — and after each batch the projector recomputes, from the source
 * tables' final state, every slice the batch wrote: a few partition-pruned reads per batch. The recomputed rows replace the old ones (ReplacingMergeTree, version
 * = the newest source row of the slice); a group that no longer has rows (a clock that moved to another month or
 * person) is written with `source_rows = 0`, which readers and replay comparisons leave out. The result depends only
 * on the source tables' final state, so a replay builds the same rows.
 *
 * Months are cut in one time zone, the default one (also Grafana's); a panel asked in another zone reads the source
 * table instead. What changes with the wall clock ("breached now": a running clock past its deadline) is not summed:
 * the deadlines of running clocks are kept, and the reader counts those past now.
 */
export { AGGREGATE_TIME_ZONE, CASES_COMPLETED_MONTHLY, CASES_RECEIVED_MONTHLY, clockCondition, CLOSED_CASES, CLOSED_CASES_MONTHLY, LIVE_AGGREGATE_ROWS, NOW, SATISFACTION_VISITS_MONTHLY };

/**
 * The projection tables aggregates sum, each with its slice instant (`instant`: never changes for a source row, leads
 * its partition and sorting key after the project, schema.ts migration 5) and the aggregate column holding that
 * instant's UTC month (YYYYMM).
 */
export const AGGREGATE_SOURCES = {
  /** A clock is placed by its case's opening (its start moves on a reopening or a policy change). */
  sla_clocks: { instant: 'opened_at', month: 'opened_month' },
  /** A credit by its case's receipt (its closure moves on a reopening, and a withdrawn credit loses it). */
  staff_performance: { instant: 'received_at', month: 'received_month' },
  /** A case by its opening (its closure moves on a reopening, and a cancelled case loses it). */
  cases: { instant: 'opened_at', month: 'opened_month' },
  /** A follow-up visit by its own instant (a visit is recorded once and never moves). */
  satisfaction: { instant: 'visited_at', month: 'visited_month' },
  /**
   * An event the panels count straight from the log (schema.ts FACT_TYPES) by its own instant (an event never changes).
   * Its version is its position in the log: a row delivered again has the same one, and a later batch's are higher.
   */
  event_facts: { instant: 'occurred_at', month: 'occurred_month', version: 'position' },
} as const;
/** The source column ordering a source's rows (ReplacingMergeTree version): `version` unless the source names another. */
const versionOf = (source: AggregateSource): string => {
  const s = AGGREGATE_SOURCES[source];
  return 'version' in s ? s.version : 'version';
};
export type AggregateSource = keyof typeof AGGREGATE_SOURCES;
export const AGGREGATE_SOURCE_TABLES = Object.keys(AGGREGATE_SOURCES) as AggregateSource[];

export interface Aggregate {
  table: string;
  /** The migration that adds it and fills it from the tables as they stand (schema.ts). */
  migration: 7 | 8 | 9 | 10 | 11 | 12 | 14 | 15 | 17;
  /** The projection table summed, sliced by project and the UTC month of its slice instant (`AGGREGATE_SOURCES`). */
  source: AggregateSource;
  /** Source rows summed, when not all (an empty group is written like any other that lost its rows). */
  where?: string;
  /** Group columns after the slice: name, type, expression over the source row. */
  keys: [string, string, string][];
  /** Aggregated columns: name, type, aggregate expression, its value for a group that no longer has rows. */
  measures: [string, string, string, string][];
}

/** Completed repairs and those fixed in time per project, completion month, department and technician (migration 12). */
export const REPAIRS_COMPLETED_MONTHLY = 'repairs_completed_monthly';
/** Closed jobs and those followed up per project, closure month, department and first responder (migration 12). */
export const FIRST_RESPONDER_CLOSURES_MONTHLY = 'first_responder_closures_monthly';
/** Follow-up visits and the satisfied ones per project, visit month, department and responsible person (migration 12). */
export const SATISFACTION_PEOPLE_MONTHLY = 'satisfaction_people_monthly';

/** Complaints per project, month of receipt, department and their four classifications (migration 14). */
export const COMPLAINTS_RECEIVED_MONTHLY = 'complaints_received_monthly';

/** Repairs and their fix clocks per project, month of receipt, department and building (migration 15). */
export const REPAIRS_RECEIVED_MONTHLY = 'repairs_received_monthly';

/** Complaints per project, month of receipt, building and unit (migration 17). */
export const COMPLAINT_PLACES_MONTHLY = 'complaint_places_monthly';

/** Each owner's complaint instants per project and UTC month of receipt (migration 12). */
export const OWNER_COMPLAINTS_MONTHLY = 'owner_complaints_monthly';

export const AGGREGATES: Aggregate[] = [
  {
    // breaches_by_person: clocks by the month their deadline falls in and the person who answers for them.
    table: 'sla_breaches_monthly',
    migration: 7,
    source: 'sla_clocks',
    keys: [
      ['due_month', 'Date', `toStartOfMonth(deadline, '${AGGREGATE_TIME_ZONE}')`],
      ['responsible_id', 'String', 'responsible_id'],
    ],
    measures: [
      ['decided', 'UInt64', "countIf(status IN ('met', 'breached'))", '0'],
      ['breached', 'UInt64', "countIf(status = 'breached')", '0'],
      ['over_seconds', 'Int64', "sumIf(toInt64(breach_seconds), status = 'breached')", '0'],
      ['max_over_seconds', 'Int64', "maxIf(toInt64(breach_seconds), status = 'breached')", '0'],
      // Running, not paused: breached once their deadline has passed (clockStatusNow). Sorted, so a replay is equal.
      ['running_deadlines', "Array(DateTime64(3, 'UTC'))", "arraySort(groupArrayIf(deadline, status = 'running' AND paused = 0))", '[]'],
    ],
  },
  {
    // on_time_by_clock, worst_projects: clocks by the month they started in, per clock and person answering for them.
    table: 'sla_clocks_started_monthly',
    migration: 7,
    source: 'sla_clocks',
    keys: [
      ['start_month', 'Date', `toStartOfMonth(started_at, '${AGGREGATE_TIME_ZONE}')`],
      ['clock', 'LowCardinality(String)', 'clock'],
      ['responsible_id', 'String', 'responsible_id'],
    ],
    measures: [
      ['met', 'UInt64', "countIf(status = 'met')", '0'],
      ['breached', 'UInt64', "countIf(status = 'breached')", '0'],
      ['running_deadlines', "Array(DateTime64(3, 'UTC'))", "arraySort(groupArrayIf(deadline, status = 'running' AND paused = 0))", '[]'],
    ],
  },
  {
    // breach_trend: clocks breached, or running and so breached once past their deadline, by the week (and month) of
    // their deadline, per clock and person. Only those clocks: the rest never counts in a breach trend.
    table: 'sla_breaches_weekly',
    migration: 7,
    source: 'sla_clocks',
    where: "status = 'breached' OR (status = 'running' AND paused = 0)",
    keys: [
      ['due_month', 'Date', `toStartOfMonth(deadline, '${AGGREGATE_TIME_ZONE}')`],
      ['due_week', 'Date', `toStartOfWeek(deadline, 1, '${AGGREGATE_TIME_ZONE}')`],
      ['clock', 'LowCardinality(String)', 'clock'],
      ['responsible_id', 'String', 'responsible_id'],
    ],
    measures: [
      ['breached', 'UInt64', "countIf(status = 'breached')", '0'],
      ['running_deadlines', "Array(DateTime64(3, 'UTC'))", "arraySort(groupArrayIf(deadline, status = 'running'))", '[]'],
    ],
  },
  {
    // breached_now, at_risk_now, at_risk_now_count: the clocks open now (`OPEN_CLOCK`, as the worklist and the notifier
    // read them), per person answering for them, with what those panels compare with now and show. No month of their
    // own: the panels have no range.
    table: 'sla_open_clocks',
    migration: 8,
    source: 'sla_clocks',
    where: OPEN_CLOCK,
    keys: [['responsible_id', 'String', 'responsible_id']],
    measures: [
      [
        'open_clocks',
        "Array(Tuple(deadline DateTime64(3, 'UTC'), warning_at DateTime64(3, 'UTC'), case_id String, clock String))",
        'arraySort(groupArray((deadline, warning_at, case_id, toString(clock))))',
        '[]',
      ],
    ],
  },
  {
    // staff_scorecard: the credits per person by the month they count in (at receipt, or at closure for the handler
    // and the visitor), with every count the scorecard scores; only credits that count (a withdrawn one counts nowhere).
    table: STAFF_CREDITS_MONTHLY,
    migration: 9,
    source: 'staff_performance',
    where: staffCredited(),
    keys: [
      ['credited_month', 'Date', `toStartOfMonth(${staffCreditedAt()}, '${AGGREGATE_TIME_ZONE}')`],
      ['staff_id', 'String', 'staff_id'],
    ],
    measures: Object.entries(STAFF_SCORECARD.counts).map(([k, c]) => [`n_${k}`, 'UInt64', `countIf(${c})`, '0']),
  },
  {
    // satisfaction_trend (satisfaction_rate per month): the follow-up visits by the month of the visit, per case type
    // and department, the filters the panel has besides the person. No person columns: the two a visit answers to
    // (responsible, visitor) would make nearly one group per visit; with a person filter the panel reads the visits.
    table: SATISFACTION_VISITS_MONTHLY,
    migration: 10,
    source: 'satisfaction',
    keys: [
      ['visit_month', 'Date', `toStartOfMonth(visited_at, '${AGGREGATE_TIME_ZONE}')`],
      ['case_type', 'LowCardinality(String)', 'case_type'],
      ['department', 'String', 'department'],
    ],
    measures: [
      ['visits', 'UInt64', 'count()', '0'],
      ['satisfied', 'UInt64', 'countIf(satisfied = 1)', '0'],
    ],
  },
  {
    // satisfaction_trend (follow_up_visit_rate per month): the closed cases, not cancelled, by the month of their
    // closure, per case type and department, and those with a follow-up visit. The closure month is a group, not the
    // slice: a reopened case leaves its closure month's group (emptied like any other) until it closes again.
    table: CLOSED_CASES_MONTHLY,
    migration: 10,
    source: 'cases',
    where: CLOSED_CASES,
    keys: [
      ['closed_month', 'Date', `toStartOfMonth(assumeNotNull(closed_at), '${AGGREGATE_TIME_ZONE}')`],
      ['case_type', 'LowCardinality(String)', 'case_type'],
      ['department', 'String', 'department'],
    ],
    measures: [
      ['closed', 'UInt64', 'count()', '0'],
      ['followed_up', 'UInt64', 'countIf(follow_up_count > 0)', '0'],
    ],
  },
  {
    // complaint_rates_trend, repair_timeliness_trend and the KPI tiles by month of receipt: every case by the month it was
    // received, per case type, department and repair category (the KPIs' conditions besides the filters are on those,
    // and are conditions of the reader), counting what those KPIs count. Clock conditions ("breached now") are kept
    // as a count of rows that meet them whatever the time and the instants from which the others do (clockCondition).
    // No person columns (three per case): with a person filter the panels read the cases.
    table: CASES_RECEIVED_MONTHLY,
    migration: 11,
    source: 'cases',
    keys: [
      ['received_month', 'Date', `toStartOfMonth(opened_at, '${AGGREGATE_TIME_ZONE}')`],
      ['case_type', 'LowCardinality(String)', 'case_type'],
      ['department', 'String', 'department'],
      ['repair_category', 'LowCardinality(String)', 'repair_category'],
    ],
    measures: [
      ['received', 'UInt64', 'count()', '0'],
      ['valid', 'UInt64', "countIf(nature = 'valid')", '0'],
      ['reopened', 'UInt64', 'countIf(reopen_count > 0)', '0'],
      ['major', 'UInt64', 'countIf(major = 1)', '0'],
      ...clockMeasures('not_replied_in_time', `${clockStatus('first_reply')} = 'breached' OR ${clockStatus('promised_reply')} = 'breached'`),
      ['first_reply_in_time', 'UInt64', "countIf(first_reply_status = 'met')", '0'],
      ...clockMeasures('first_reply_decided', `${clockStatus('first_reply')} IN ('met', 'breached')`),
      ['on_site_in_time', 'UInt64', "countIf(arrival_status = 'met')", '0'],
      ...clockMeasures('on_site_decided', `${clockStatus('arrival')} IN ('met', 'breached')`),
      ['completed', 'UInt64', 'countIf(completed_at IS NOT NULL)', '0'],
    ],
  },
  {
    // repair_timeliness_trend and the KPI tiles by month of completion: completed cases by the month of their completion, per
    // case type, department and repair category. The completion month is a group, not the slice: a case whose
    // completion moves leaves its old group (emptied like any other).
    table: CASES_COMPLETED_MONTHLY,
    migration: 11,
    source: 'cases',
    where: 'completed_at IS NOT NULL',
    keys: [
      ['completed_month', 'Date', `toStartOfMonth(assumeNotNull(completed_at), '${AGGREGATE_TIME_ZONE}')`],
      ['case_type', 'LowCardinality(String)', 'case_type'],
      ['department', 'String', 'department'],
      ['repair_category', 'LowCardinality(String)', 'repair_category'],
    ],
    measures: [
      ['completed', 'UInt64', 'count()', '0'],
      ['fixed_in_time', 'UInt64', "countIf(fix_status = 'met')", '0'],
    ],
  },
  {
    // on_time_by_technician (repair_timeliness per technician): the completed repairs by the month of their completion,
    // per department and technician, and those fixed within their limit. Completion is a group, as closure is above.
    table: REPAIRS_COMPLETED_MONTHLY,
    migration: 12,
    source: 'cases',
    where: "case_type = 'repair' AND completed_at IS NOT NULL",
    keys: [
      ['completed_month', 'Date', `toStartOfMonth(assumeNotNull(completed_at), '${AGGREGATE_TIME_ZONE}')`],
      ['department', 'String', 'department'],
      ['technician_id', 'String', 'technician_id'],
    ],
    measures: [
      ['completed', 'UInt64', 'count()', '0'],
      ['fixed_in_time', 'UInt64', "countIf(fix_status = 'met')", '0'],
    ],
  },
  {
    // first_responder_follow_through (follow_up_visit_rate per first responder): the closed jobs, not cancelled, by
    // the month of their closure, per department and first responder, and those with a follow-up visit.
    table: FIRST_RESPONDER_CLOSURES_MONTHLY,
    migration: 12,
    source: 'cases',
    where: "case_type IN ('repair', 'complaint') AND closed_at IS NOT NULL AND status != 'cancelled'",
    keys: [
      ['closed_month', 'Date', `toStartOfMonth(assumeNotNull(closed_at), '${AGGREGATE_TIME_ZONE}')`],
      ['department', 'String', 'department'],
      ['first_responder_id', 'String', 'first_responder_id'],
    ],
    measures: [
      ['closed', 'UInt64', 'count()', '0'],
      ['followed_up', 'UInt64', 'countIf(follow_up_count > 0)', '0'],
    ],
  },
  {
    // satisfaction_people: the follow-up visits on repairs and complaints by the month of the visit, per department and
    // the person answering for the case (the panel's person filter is on that column alone, so it reads this too).
    table: SATISFACTION_PEOPLE_MONTHLY,
    migration: 12,
    source: 'satisfaction',
    where: "case_type IN ('repair', 'complaint') AND responsible_id != ''",
    keys: [
      ['visit_month', 'Date', `toStartOfMonth(visited_at, '${AGGREGATE_TIME_ZONE}')`],
      ['department', 'String', 'department'],
      ['responsible_id', 'String', 'responsible_id'],
    ],
    measures: [
      ['visits', 'UInt64', 'count()', '0'],
      ['satisfied', 'UInt64', 'countIf(satisfied = 1)', '0'],
    ],
  },
  {
    // The complaint breakdowns (by nature and communicative kind, content, topic, cause; per month by nature and by
    // topic): the complaints by the month of receipt, per department and all four classifications, which a panel's
    // label reads as it reads the cases. Nearly one row per complaint (99.5 % on the bench's 2 M-event dataset, still
    // 99 % with three times the complaints per group), against the case table's seven rows of every type per
    // complaint. One per classification would be smaller to read (59–86 % of the complaints each there, 31–67 % at
    // three times the density) but four refreshes per projector batch instead of one (README, Performance).
    table: COMPLAINTS_RECEIVED_MONTHLY,
    migration: 14,
    source: 'cases',
    where: "case_type = 'complaint'",
    keys: [
      ['received_month', 'Date', `toStartOfMonth(opened_at, '${AGGREGATE_TIME_ZONE}')`],
      ['department', 'String', 'department'],
      ['nature', 'LowCardinality(String)', 'nature'],
      ['communicative_kind', 'LowCardinality(String)', 'communicative_kind'],
      ['content', 'LowCardinality(String)', 'content'],
      ['topic', 'LowCardinality(String)', 'topic'],
      ['cause', 'LowCardinality(String)', 'cause'],
    ],
    measures: [['received', 'UInt64', 'count()', '0']],
  },
  {
    // worst_buildings: the repairs by the month they were received, per department and building, with their fix clocks
    // breached and decided (kept as counts plus the deadlines of running clocks). No person columns (three per case):
    // with a person filter the panel reads the cases.
    table: REPAIRS_RECEIVED_MONTHLY,
    migration: 15,
    source: 'cases',
    where: "case_type = 'repair'",
    keys: [
      ['received_month', 'Date', `toStartOfMonth(opened_at, '${AGGREGATE_TIME_ZONE}')`],
      ['department', 'String', 'department'],
      ['building', 'String', 'building'],
    ],
    measures: [
      ...clockMeasures('fix_breached', `${clockStatus('fix')} = 'breached'`),
      ...clockMeasures('fix_decided', `${clockStatus('fix')} IN ('met', 'breached')`),
    ],
  },
  {
    // repeat_complainants: each owner's complaints, their instants, per project and the (UTC) month of receipt, the
    // slice itself: a repeat is judged on instants (within 90 days before), which no month count holds. Far fewer
    // and narrower rows than the cases the panel read with FINAL.
    table: OWNER_COMPLAINTS_MONTHLY,
    migration: 12,
    source: 'cases',
    where: "case_type = 'complaint' AND owner_ref != ''",
    keys: [['owner_ref', 'String', 'owner_ref']],
    measures: [['received', "Array(DateTime64(3, 'UTC'))", 'arraySort(groupArray(opened_at))', '[]']],
  },
  {
    // complaint_places: the complaints by the month they were received, per building and unit (the event's location,
    // stored on insert: schema.ts migration 8). Nearly one row per complaint, as the event facts hold them, but a
    // narrow table of complaints alone read in one sorted part: half the CPU of grouping the event facts (README,
    // Performance).
    table: COMPLAINT_PLACES_MONTHLY,
    migration: 17,
    source: 'event_facts',
    where: "type = 'ComplaintReceived'",
    keys: [
      ['received_month', 'Date', `toStartOfMonth(occurred_at, '${AGGREGATE_TIME_ZONE}')`],
      ['building', 'String', 'location_building'],
      ['unit', 'String', 'location_unit'],
    ],
    measures: [['complaints', 'UInt64', 'count()', '0']],
  },
];

/**
 * The two columns keeping a count of rows meeting a condition on the clock (`clockCondition`): `<name>` (meet it
 * whatever the time) and `<name>_due` (the instants from which the rest do, sorted).
 */
export function clockMeasures(name: string, condition: string): Aggregate['measures'] {
  const { settled, comesDue } = clockCondition(condition);
  return [
    [name, 'UInt64', settled, '0'],
    [`${name}_due`, "Array(DateTime64(3, 'UTC'))", comesDue, '[]'],
  ];
}

export const AGGREGATE_TABLES = AGGREGATES.map((a) => a.table);

export function createAggregateSql(a: Aggregate): string {
  const columns = [...a.keys.map(([n, t]) => `${n} ${t}`), ...a.measures.map(([n, t]) => `${n} ${t}`)];
  const { month } = AGGREGATE_SOURCES[a.source];
  return `CREATE TABLE IF NOT EXISTS {{${a.table}}} (project_id LowCardinality(String), ${month} UInt32, ${columns.join(', ')}, source_rows UInt64, version UInt64)
    ENGINE = ReplacingMergeTree(version) ORDER BY (project_id, ${a.keys.map(([n]) => n).join(', ')}, ${month})`;
}

/**
 * The aggregate rows computed from `rows` (a source's final rows with their slice month `month`), each group with its
 * slice's version from `versions` (project_id, month, version: the slice's newest source row, over all its rows, also
 * those an aggregate's `where` leaves out, so a group emptied by a clock leaving it is written with a version above
 * the group's old one).
 */
function freshSql(a: Aggregate, rows: string, versions: string): string {
  const keys = a.keys.map(([n]) => n);
  const { month } = AGGREGATE_SOURCES[a.source];
  return `SELECT g.project_id AS project_id, g.${month} AS ${month}, ${[...keys, ...a.measures.map(([n]) => n), 'source_rows'].map((c) => `g.${c} AS ${c}`).join(', ')}, v.version AS version
    FROM (SELECT project_id, ${month}, ${a.keys.map(([n, , e]) => `${e} AS ${n}`).join(', ')},
            ${a.measures.map(([n, , e]) => `${e} AS ${n}`).join(', ')}, count() AS source_rows
          FROM ${rows}${a.where ? ` WHERE (${a.where})` : ''} GROUP BY project_id, ${month}, ${keys.join(', ')}) AS g
    INNER JOIN ${versions} AS v ON v.project_id = g.project_id AND v.${month} = g.${month}`;
}

/** Fills an aggregate from its whole source (the migration that adds it, on an installation with history). */
export function backfillAggregateSql(a: Aggregate): string {
  const { instant, month } = AGGREGATE_SOURCES[a.source];
  // `*` with the columns computed on insert (event_facts' places, migration 8), which an aggregate may group by.
  const rows = `(SELECT *, toYYYYMM(${instant}) AS ${month} FROM {{${a.source}}} FINAL SETTINGS asterisk_include_materialized_columns = 1)`;
  const versions = `(SELECT project_id, toYYYYMM(${instant}) AS ${month}, max(${versionOf(a.source)}) AS version FROM {{${a.source}}} FINAL GROUP BY project_id, ${month})`;
  return `INSERT INTO {{${a.table}}} (project_id, ${month}, ${a.keys.map(([n]) => n).join(', ')}, ${a.measures.map(([n]) => n).join(', ')}, source_rows, version) ${freshSql(a, rows, versions)}`;
}

/** A slice: a project and the UTC month (YYYYMM) of its source rows' slice instant. */
export type Slice = [projectId: string, month: number];

/** The slices of rows just written to `source` (rows carry `project_id` and the source's slice instant). */
export function slicesOf(source: AggregateSource, rows: Record<string, unknown>[]): Slice[] {
  const { instant } = AGGREGATE_SOURCES[source];
  const seen = new Map<string, Slice>();
  for (const row of rows) {
    const at = new Date(String(row[instant]).replace(' ', 'T').replace(/(T[\d:.]+)$/, '$1Z'));
    const month = at.getUTCFullYear() * 100 + at.getUTCMonth() + 1;
    const project = String(row.project_id);
    seen.set(`${project}/${month}`, [project, month]);
  }
  return [...seen.values()];
}

/**
 * The prefix of the scratch tables a refresh reads its sources' final rows from (`refreshAggregates`); one left
 * behind by a crash is dropped by the next projector's recovery (`dropStaleRefreshTables`).
 */
export const REFRESH_TABLE_PREFIX = 'aggregate_refresh_';

/**
 * Recomputes the given slices of every aggregate fed by `source`.
 *
 * The source's final rows of those slices (only the columns its aggregates read) are read once, with FINAL, into a
 * scratch Memory table, and their versions summed once into another; every aggregate of the source is computed from
 * those. Reading the source with FINAL per aggregate (and per use: a CTE is inlined where it is used) made each
 * aggregate cost a few full reads of the slices. The scratch tables have names of their own per call (several
 * projectors may share a ClickHouse server, and the projector refreshes its sources side by side), are dropped at the
 * end, and are plain tables rather than temporary ones: a temporary table lives in a session, which neither chDB's
 * connection nor the HTTP client keeps between statements.
 */
export async function refreshAggregates(db: Analytics, source: AggregateSource, slices: Slice[]): Promise<void> {
  if (slices.length === 0) return;
  const aggregates = AGGREGATES.filter((x) => x.source === source);
  if (aggregates.length === 0) return;
  // 'project/YYYYMM' (project ids have no '/'): exact; the two lists let ClickHouse prune by sorting key and partition.
  const params = { slices: slices.map(([p, m]) => `${p}/${m}`), projects: [...new Set(slices.map((s) => s[0]))], months: [...new Set(slices.map((s) => s[1]))] };
  const inSlices = (project: string, month: string) =>
    `${project} IN {projects:Array(String)} AND ${month} IN {months:Array(UInt32)} AND concat(${project}, '/', toString(${month})) IN {slices:Array(String)}`;
  const { instant, month } = AGGREGATE_SOURCES[source];
  const rows = `${REFRESH_TABLE_PREFIX}${source}_${randomBytes(6).toString('hex')}`;
  const versions = `${rows}_versions`;
  const read = await columnsRead(db, source, aggregates);
  try {
    // The slices are written in as literals (they come from rows the projector wrote): a parameterised statement would
    // queue with every other one of the process, the API's panel reads included (`inlined`).
    await db.command(
      inlined(
        `CREATE TABLE {{${rows}}} ENGINE = Memory AS SELECT ${read.join(', ')}, toYYYYMM(${instant}) AS ${month}${versionOf(source) === 'version' ? '' : `, ${versionOf(source)} AS version`}
        FROM {{${source}}} FINAL WHERE ${inSlices('project_id', `toYYYYMM(${instant})`)}`,
        params,
      ),
    );
    await db.command(`CREATE TABLE {{${versions}}} ENGINE = Memory AS SELECT project_id, ${month}, max(version) AS version FROM {{${rows}}} GROUP BY project_id, ${month}`);
    // Independent of each other: chDB runs them side by side, off the JavaScript thread.
    const refreshed = aggregates.map(async (a) => {
      const keys = a.keys.map(([n]) => n);
      const columns = ['project_id', month, ...keys, ...a.measures.map(([n]) => n), 'source_rows', 'version'];
      await db.command(
        inlined(
          `INSERT INTO {{${a.table}}} (${columns.join(', ')})
        WITH fresh AS (${freshSql(a, `{{${rows}}}`, `{{${versions}}}`)})
        SELECT ${columns.join(', ')} FROM fresh
        UNION ALL
        SELECT old.project_id, old.${month}, ${keys.map((k) => `old.${k}`).join(', ')}, ${a.measures.map(([n, , , zero]) => `${zero} AS ${n}`).join(', ')}, 0 AS source_rows, v.version
        FROM {{${a.table}}} AS old FINAL
        INNER JOIN {{${versions}}} AS v ON v.project_id = old.project_id AND v.${month} = old.${month}
        WHERE old.${LIVE_AGGREGATE_ROWS} AND ${inSlices('old.project_id', `old.${month}`)}
          AND (old.project_id, old.${month}, ${keys.map((k) => `old.${k}`).join(', ')}) NOT IN (SELECT project_id, ${month}, ${keys.join(', ')} FROM fresh)`,
          params,
        ),
      );
    });
    await allEnded(refreshed);
  } finally {
    // A table not dropped (a lost connection) is dropped by a later recovery; the refresh's own outcome is what counts.
    await allEnded([rows, versions].map((t) => db.command(`DROP TABLE IF EXISTS {{${t}}} SYNC`))).catch(() => undefined);
  }
}

/**
 * The source's columns its aggregates read (named in their keys, measures or conditions), with the project, the slice
 * instant and the version: the scratch table holds no more.
 */
async function columnsRead(db: Analytics, source: AggregateSource, aggregates: Aggregate[]): Promise<string[]> {
  const { instant } = AGGREGATE_SOURCES[source];
  const named = new Set(aggregates.flatMap((a) => [a.where ?? '', ...a.keys.map(([, , e]) => e), ...a.measures.map(([, , e]) => e)]).join(' ').match(/\w+/g));
  for (const always of ['project_id', instant, versionOf(source)]) named.add(always);
  const columns = await db.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${db.database}' AND table = '${source}' ORDER BY position`);
  return columns.map((c) => c.name).filter((c) => named.has(c));
}

/**
 * Drops the scratch tables of refreshes a crash interrupted (`olderThanSeconds` old, an hour by default: another projector
 * sharing the server may be using its own). Called with the recovery, before a projector's first write.
 */
export async function dropStaleRefreshTables(db: Analytics, olderThanSeconds = 3600): Promise<void> {
  const stale = await db.query<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = '${db.database}' AND startsWith(name, '${REFRESH_TABLE_PREFIX}') AND metadata_modification_time <= now() - INTERVAL ${Math.floor(olderThanSeconds)} SECOND`,
  );
  for (const { name } of stale) await db.command(`DROP TABLE IF EXISTS {{${name}}} SYNC`);
}

/**
 * Through which position the aggregates are as current as the tables they sum (schema.ts migration 13): every batch up
 * to it has had its slices recomputed. The projector recomputes the slices of several batches at once (its
 * `refreshEveryMs`), so in between the tables are ahead of the aggregates; the projection position that answers carry
 * (and the panel cache keys on) is the lower of this and the raw events' (PROJECTION_POSITION_SQL).
 */
export const AGGREGATES_REFRESHED = 'aggregates_refreshed';

/** Records that every batch through `position` (its last event recorded at `recordedAt`, ClickHouse form) is summed. */
export async function markAggregatesRefreshed(db: Analytics, position: bigint, recordedAt: string): Promise<void> {
  await db.insert(AGGREGATES_REFRESHED, [{ position: position.toString(), recorded_at: recordedAt }]);
}

/**
 * The slices that may be behind their source after a stop or a crash before the projector recomputed them: a refreshed
 * position is recorded after the slices of every batch up to it are recomputed, and a row written by a later batch has
 * a higher version (a case's row carries its last event's position, or a later policy change's when one re-evaluates
 * it: case-rows.ts), so the slices of every source row above the recorded position are all that can be stale.
 * Answers `null` when nothing can be stale. Called before a projector's first write.
 */
export async function unrefreshedSlices(db: Analytics): Promise<{ slices: Map<AggregateSource, Slice[]>; upTo: bigint; recordedAt: string } | null> {
  const [mark] = await db.query<{ refreshed: string; projected: string; recorded_at: string }>(
    `SELECT toString((SELECT max(position) FROM {{${AGGREGATES_REFRESHED}}})) AS refreshed, toString(max(position)) AS projected, toString(max(recorded_at)) AS recorded_at FROM {{events}}`,
  );
  const refreshed = BigInt(mark?.refreshed ?? '0');
  const projected = BigInt(mark?.projected ?? '0');
  if (projected === 0n && refreshed > 0n) {
    // A migration recreated the tables empty, to be replayed: the old position would claim the replay refreshed.
    await db.command(`TRUNCATE TABLE {{${AGGREGATES_REFRESHED}}}`);
    return null;
  }
  if (projected <= refreshed) return null;
  const slices = new Map<AggregateSource, Slice[]>();
  for (const source of AGGREGATE_SOURCE_TABLES) {
    const { instant } = AGGREGATE_SOURCES[source];
    const rows = await db.query<{ project_id: string; month: number }>(`SELECT DISTINCT project_id, toYYYYMM(${instant}) AS month FROM {{${source}}} WHERE ${versionOf(source)} > ${refreshed}`);
    slices.set(source, rows.map((r) => [r.project_id, Number(r.month)]));
  }
  return { slices, upTo: projected, recordedAt: mark!.recorded_at };
}
