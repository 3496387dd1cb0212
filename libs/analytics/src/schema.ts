import { AGGREGATE_TABLES, AGGREGATES, backfillAggregateSql, createAggregateSql } from './aggregates';
import type { Analytics } from './client';
import { PAYMENT_AMOUNT } from './kpi/definitions';

/**
 * Versioned migrations, applied in order and recorded in `schema_migrations`. The same SQL runs on chDB and on a
 * ClickHouse server. Every projection table is a ReplacingMergeTree whose sorting key ends with what makes a row
 * unique, with the case's last global position as version, so delivering an event twice or replaying all history
 * gives the same rows (read with FINAL). No table holds owner names, phones or ID numbers.
 *
 * Design (migration 5): panels, KPI runs and exports filter by project and a month or time range, so the large
 * tables are partitioned by month and sorted by (project, time, unique key), on instants that never move for a
 * row: a case's opening (its first event), a visit, a complaint's receipt, a credit's case receipt. A clock's start
 * moves when its case reopens or a policy change re-evaluates it, so clocks are placed by their case's opening.
 * Moving instants (completion, closure, clock start and deadline) get min/max skip indexes, which ClickHouse applies
 * under FINAL exactly (`use_skip_indexes_if_final_exact_mode`). With the partition column in the key, FINAL merges
 * each selected partition on its own and skips single-part partitions (`enable_automatic_decision_for_merging_
 * across_partitions_for_final`). Changing a key means recreating a table: such a migration drops and recreates the
 * tables, `events` included, and the projector replays the store into them when it finds `events` empty.
 */
/** Rows replaced by a higher version of the same key: re-projecting a case or a clock overwrites its row. */
const replacingMergeTree = (versionColumn = 'version') => `ENGINE = ReplacingMergeTree(${versionColumn})`;
/** An instant: milliseconds, UTC. */
const INSTANT = "DateTime64(3, 'UTC')";
/**
 * Monthly partitions and a sorting key led by the project, for tables whose panels filter by project and time. Every
 * column named here must never change for a row's unique key (the last columns): ReplacingMergeTree only replaces
 * rows with the same sorting key in the same partition. Because the partition column is in the key, ClickHouse
 * reads FINAL partition by partition and leaves single-part partitions unmerged.
 */
const byProjectAndTime = (monthOf: string, ...key: string[]) => `PARTITION BY toYYYYMM(${monthOf}) ORDER BY (project_id, ${key.join(', ')})`;
/** Min/max skip indexes on instants that move (completion, closure …): a month filter on them skips old granules. */
const minmax = (...columns: string[]) => columns.map((c) => `INDEX ${c}_minmax ${c} TYPE minmax GRANULARITY 1`).join(', ');
/** Event types the panels and KPIs count straight from the log, copied into `event_facts`. */
export const FACT_TYPES = ['ComplaintReceived', 'RepairPaymentReceived', 'PolicyChanged'] as const;
/** `event_facts` columns holding a ComplaintReceived event's `location` fields (migration 8), and the field each holds. */
const COMPLAINT_PLACE_COLUMNS = [['location_building', 'building'], ['location_unit', 'unit']] as const;

/** The aggregates a migration adds, created and filled from the tables as they stand; the projector keeps them after. */
const aggregatesOf = (migration: number) => AGGREGATES.filter((a) => a.migration === migration).flatMap((a) => [createAggregateSql(a), backfillAggregateSql(a)]);

export const MIGRATIONS: { id: number; name: string; statements: string[] }[] = [
  {
    id: 1,
    name: 'projection tables',
    statements: [
      `CREATE TABLE IF NOT EXISTS {{events}} (
        event_id UUID, stream_id String, category LowCardinality(String), case_id String, stream_version UInt32,
        position UInt64, type LowCardinality(String), schema_version UInt16, occurred_at ${INSTANT}, recorded_at ${INSTANT},
        actor_id String, actor_role LowCardinality(String), project_id LowCardinality(String), correlation_id String,
        causation_id Nullable(String), data String
      ) ${replacingMergeTree('position')} ORDER BY (stream_id, stream_version)`,
      `CREATE TABLE IF NOT EXISTS {{cases}} (
        case_id String, case_type LowCardinality(String), project_id LowCardinality(String), building String,
        status LowCardinality(String), opened_at ${INSTANT}, closed_at Nullable(${INSTANT}), first_responder_id String,
        handler_id String, department String, channel LowCardinality(String), owner_ref String,
        nature LowCardinality(String), communicative_kind LowCardinality(String), content LowCardinality(String),
        topic LowCardinality(String), major UInt8, reasonable Nullable(UInt8), cause LowCardinality(String),
        escalation LowCardinality(String), reopen_count UInt16, first_reply_at Nullable(${INSTANT}), handled_at Nullable(${INSTANT}),
        repair_category LowCardinality(String), part LowCardinality(String), non_standard UInt8, appointment_at Nullable(${INSTANT}),
        technician_id String, arrived_at Nullable(${INSTANT}), completed_at Nullable(${INSTANT}), quote_declined UInt8,
        paused_for_parts UInt8, material_cost UInt64, labour_cost UInt64, total_fee UInt64, paid UInt64,
        rework_of String, rework_of_technician String, help_kind LowCardinality(String), help_category LowCardinality(String),
        referred UInt8, answered_at Nullable(${INSTANT}), follow_up_count UInt16, last_satisfied Nullable(UInt8),
        owner_satisfied Nullable(UInt8),
        first_reply_status LowCardinality(String), promised_reply_status LowCardinality(String),
        arrival_status LowCardinality(String), fix_status LowCardinality(String), assessment_status LowCardinality(String),
        help_answer_status LowCardinality(String), follow_up_status LowCardinality(String),
        first_reply_deadline Nullable(${INSTANT}), promised_reply_deadline Nullable(${INSTANT}), arrival_deadline Nullable(${INSTANT}),
        fix_deadline Nullable(${INSTANT}), assessment_deadline Nullable(${INSTANT}), help_answer_deadline Nullable(${INSTANT}),
        follow_up_deadline Nullable(${INSTANT}),
        version UInt64
      ) ${replacingMergeTree()} ORDER BY case_id`,
      `CREATE TABLE IF NOT EXISTS {{sla_clocks}} (
        case_id String, clock LowCardinality(String), case_type LowCardinality(String), project_id LowCardinality(String),
        category LowCardinality(String), responsible_id String, started_at ${INSTANT}, deadline ${INSTANT}, warning_at ${INSTANT},
        met_at Nullable(${INSTANT}), status LowCardinality(String), breach_seconds UInt64, paused_seconds UInt64, paused UInt8,
        version UInt64
      ) ${replacingMergeTree()} ORDER BY (case_id, clock)`,
      `CREATE TABLE IF NOT EXISTS {{sla_clock_history}} (
        case_id String, clock LowCardinality(String), version UInt64, project_id LowCardinality(String),
        status LowCardinality(String), deadline ${INSTANT}, met_at Nullable(${INSTANT}), breach_seconds UInt64, changed_at ${INSTANT}
      ) ${replacingMergeTree()} ORDER BY (case_id, clock, version)`,
      `CREATE TABLE IF NOT EXISTS {{satisfaction}} (
        visit_id String, case_id String, case_type LowCardinality(String), project_id LowCardinality(String),
        visited_at ${INSTANT}, method LowCardinality(String), satisfied UInt8, remarks String, visitor_id String,
        responsible_id String, department String, version UInt64
      ) ${replacingMergeTree()} ORDER BY visit_id`,
      `CREATE TABLE IF NOT EXISTS {{complaint_categories}} (
        complaint_id String, project_id LowCardinality(String), received_at ${INSTANT}, nature LowCardinality(String),
        communicative_kind LowCardinality(String), content LowCardinality(String), topic LowCardinality(String),
        major UInt8, reasonable Nullable(UInt8), cause LowCardinality(String), version UInt64
      ) ${replacingMergeTree()} ORDER BY complaint_id`,
      `CREATE TABLE IF NOT EXISTS {{staff_performance}} (
        case_id String, staff_id String, credit LowCardinality(String), case_type LowCardinality(String),
        project_id LowCardinality(String), received_at ${INSTANT}, closed_at Nullable(${INSTANT}), on_time Nullable(UInt8),
        satisfied Nullable(UInt8), version UInt64
      ) ${replacingMergeTree()} ORDER BY (case_id, staff_id, credit)`,
      `CREATE TABLE IF NOT EXISTS {{staff}} (
        staff_id String, name String, role LowCardinality(String), department String, project_ids Array(String),
        active UInt8, version UInt64
      ) ${replacingMergeTree()} ORDER BY staff_id`,
      `CREATE TABLE IF NOT EXISTS {{projects}} (
        project_id String, name String, city String, buildings UInt32, units UInt32, time_zone String, version UInt64
      ) ${replacingMergeTree()} ORDER BY project_id`,
      `CREATE TABLE IF NOT EXISTS {{quarantine}} (
        event_id String, stream_id String, type String, schema_version UInt16, position UInt64, reason String,
        occurred_at ${INSTANT}
      ) ${replacingMergeTree('position')} ORDER BY event_id`,
    ],
  },
  {
    id: 2,
    name: 'policy version behind each clock',
    statements: [`ALTER TABLE {{sla_clocks}} ADD COLUMN IF NOT EXISTS policy_version LowCardinality(String) DEFAULT 'default' AFTER paused`],
  },
  {
    id: 3,
    name: 'readable case numbers',
    // '' for cases opened before numbering (and on KurrentDB): they keep being found by their id.
    statements: ['events', 'cases', 'sla_clocks'].map((t) => `ALTER TABLE {{${t}}} ADD COLUMN IF NOT EXISTS case_number String DEFAULT ''`),
  },
  {
    id: 4,
    name: 'alerts and visitor register',
    statements: [
      // One row per alert route (an alert with no configured route has one row with route ''): the dead-letter list.
      `CREATE TABLE IF NOT EXISTS {{alerts}} (
        alert_id String, route String, route_kind LowCardinality(String), case_stream_id String, case_number String,
        project_id LowCardinality(String), clock LowCardinality(String), threshold LowCardinality(String), role LowCardinality(String),
        due_at ${INSTANT}, raised_at ${INSTANT}, status LowCardinality(String), attempts UInt16, last_error String, settled_at Nullable(${INSTANT}),
        version UInt64
      ) ${replacingMergeTree()} ORDER BY (alert_id, route)`,
      // 访客登记 without the visitor's name or ID number (those stay in the event store; the API reads them masked).
      `CREATE TABLE IF NOT EXISTS {{visitors}} (
        visitor_id String, project_id LowCardinality(String), building String, unit String, purpose String,
        checked_in_at ${INSTANT}, checked_out_at Nullable(${INSTANT}), checked_in_by String, checked_out_by String, version UInt64
      ) ${replacingMergeTree()} ORDER BY visitor_id`,
    ],
  },
  {
    id: 5,
    name: 'tables sorted and partitioned for the panels; rebuilt by replay',
    statements: [
      // The tables are recreated empty: the projector sees an empty `events` table and replays the whole store into
      // them (`rebuildIfEmpty`, `restartIfEmpty`), so no figure is ever read from half-converted tables unannounced.
      'DROP VIEW IF EXISTS {{event_facts_feed}}',
      ...['events', 'cases', 'sla_clocks', 'sla_clock_history', 'satisfaction', 'complaint_categories', 'staff_performance', 'visitors'].map((t) => `DROP TABLE IF EXISTS {{${t}}}`),
      // The projector reads a case's history back by stream id: that lookup stays the sorting key.
      `CREATE TABLE {{events}} (
        event_id UUID, stream_id String, category LowCardinality(String), case_id String, stream_version UInt32,
        position UInt64, type LowCardinality(String), schema_version UInt16, occurred_at ${INSTANT}, recorded_at ${INSTANT},
        actor_id String, actor_role LowCardinality(String), project_id LowCardinality(String), correlation_id String,
        causation_id Nullable(String), data String, case_number String DEFAULT ''
      ) ${replacingMergeTree('position')} ORDER BY (stream_id, stream_version)`,
      // The few event types panels and KPIs count straight from the log (payments, complaint places, policy changes),
      // copied on insert into a table sorted by project and time, with the case id for the KPI drill-down. Its rows
      // replace like the source's (same key, same version), so an event delivered twice is still one row.
      `CREATE TABLE {{event_facts}} (
        event_id UUID, stream_id String, case_id String, stream_version UInt32, position UInt64, type LowCardinality(String), project_id LowCardinality(String),
        occurred_at ${INSTANT}, recorded_at ${INSTANT}, actor_id String, actor_role LowCardinality(String), data String
      ) ${replacingMergeTree('position')} PARTITION BY toYYYYMM(occurred_at) ORDER BY (project_id, type, occurred_at, event_id)`,
      `CREATE MATERIALIZED VIEW {{event_facts_feed}} TO {{event_facts}} AS
        SELECT event_id, stream_id, case_id, stream_version, position, type, project_id, occurred_at, recorded_at, actor_id, actor_role, data FROM {{events}}
        WHERE type IN (${FACT_TYPES.map((t) => `'${t}'`).join(', ')})`,
      `CREATE TABLE {{cases}} (
        case_id String, case_type LowCardinality(String), project_id LowCardinality(String), building String,
        status LowCardinality(String), opened_at ${INSTANT}, closed_at Nullable(${INSTANT}), first_responder_id String,
        handler_id String, department String, channel LowCardinality(String), owner_ref String,
        nature LowCardinality(String), communicative_kind LowCardinality(String), content LowCardinality(String),
        topic LowCardinality(String), major UInt8, reasonable Nullable(UInt8), cause LowCardinality(String),
        escalation LowCardinality(String), reopen_count UInt16, first_reply_at Nullable(${INSTANT}), handled_at Nullable(${INSTANT}),
        repair_category LowCardinality(String), part LowCardinality(String), non_standard UInt8, appointment_at Nullable(${INSTANT}),
        technician_id String, arrived_at Nullable(${INSTANT}), completed_at Nullable(${INSTANT}), quote_declined UInt8,
        paused_for_parts UInt8, material_cost UInt64, labour_cost UInt64, total_fee UInt64, paid UInt64,
        rework_of String, rework_of_technician String, help_kind LowCardinality(String), help_category LowCardinality(String),
        referred UInt8, answered_at Nullable(${INSTANT}), follow_up_count UInt16, last_satisfied Nullable(UInt8),
        owner_satisfied Nullable(UInt8),
        first_reply_status LowCardinality(String), promised_reply_status LowCardinality(String),
        arrival_status LowCardinality(String), fix_status LowCardinality(String), assessment_status LowCardinality(String),
        help_answer_status LowCardinality(String), follow_up_status LowCardinality(String),
        first_reply_deadline Nullable(${INSTANT}), promised_reply_deadline Nullable(${INSTANT}), arrival_deadline Nullable(${INSTANT}),
        fix_deadline Nullable(${INSTANT}), assessment_deadline Nullable(${INSTANT}), help_answer_deadline Nullable(${INSTANT}),
        follow_up_deadline Nullable(${INSTANT}),
        version UInt64, case_number String DEFAULT '',
        ${minmax('completed_at', 'closed_at', 'handled_at')}
      ) ${replacingMergeTree()} ${byProjectAndTime('opened_at', 'case_type', 'opened_at', 'case_id')}`,
      // A clock's start moves when its case reopens or a policy change re-evaluates it: the clock is placed by its
      // case's opening instant instead, which never moves; start and deadline get skip indexes.
      `CREATE TABLE {{sla_clocks}} (
        case_id String, clock LowCardinality(String), case_type LowCardinality(String), project_id LowCardinality(String),
        category LowCardinality(String), responsible_id String, opened_at ${INSTANT}, started_at ${INSTANT}, deadline ${INSTANT}, warning_at ${INSTANT},
        met_at Nullable(${INSTANT}), status LowCardinality(String), breach_seconds UInt64, paused_seconds UInt64, paused UInt8,
        policy_version LowCardinality(String) DEFAULT 'default', version UInt64, case_number String DEFAULT '',
        ${minmax('started_at', 'deadline')},
        INDEX status_set status TYPE set(8) GRANULARITY 1
      ) ${replacingMergeTree()} ${byProjectAndTime('opened_at', 'opened_at', 'case_id', 'clock')}`,
      `CREATE TABLE {{sla_clock_history}} (
        case_id String, clock LowCardinality(String), version UInt64, project_id LowCardinality(String),
        status LowCardinality(String), deadline ${INSTANT}, met_at Nullable(${INSTANT}), breach_seconds UInt64, changed_at ${INSTANT}
      ) ${replacingMergeTree()} ORDER BY (case_id, clock, version)`,
      `CREATE TABLE {{satisfaction}} (
        visit_id String, case_id String, case_type LowCardinality(String), project_id LowCardinality(String),
        visited_at ${INSTANT}, method LowCardinality(String), satisfied UInt8, remarks String, visitor_id String,
        responsible_id String, department String, version UInt64
      ) ${replacingMergeTree()} ${byProjectAndTime('visited_at', 'visited_at', 'visit_id')}`,
      `CREATE TABLE {{complaint_categories}} (
        complaint_id String, project_id LowCardinality(String), received_at ${INSTANT}, nature LowCardinality(String),
        communicative_kind LowCardinality(String), content LowCardinality(String), topic LowCardinality(String),
        major UInt8, reasonable Nullable(UInt8), cause LowCardinality(String), version UInt64
      ) ${replacingMergeTree()} ${byProjectAndTime('received_at', 'received_at', 'complaint_id')}`,
      `CREATE TABLE {{staff_performance}} (
        case_id String, staff_id String, credit LowCardinality(String), case_type LowCardinality(String),
        project_id LowCardinality(String), received_at ${INSTANT}, closed_at Nullable(${INSTANT}), on_time Nullable(UInt8),
        satisfied Nullable(UInt8), version UInt64,
        ${minmax('closed_at')}
      ) ${replacingMergeTree()} ${byProjectAndTime('received_at', 'received_at', 'case_id', 'staff_id', 'credit')}`,
      `CREATE TABLE {{visitors}} (
        visitor_id String, project_id LowCardinality(String), building String, unit String, purpose String,
        checked_in_at ${INSTANT}, checked_out_at Nullable(${INSTANT}), checked_in_by String, checked_out_by String, version UInt64
      ) ${replacingMergeTree()} ${byProjectAndTime('checked_in_at', 'checked_in_at', 'visitor_id')}`,
    ],
  },
  {
    id: 6,
    name: 'clocks re-judged: a pause in force from its own instant, open clocks stored running; rebuilt by replay',
    // libs/sla `settle` now reads a clock as paused from the instant of the pause (a case whose last event is the pause
    // was stored running to its nominal deadline, breached after it), and a clock still open is stored running, its
    // breach decided when read (`storedStatus`, case-rows.ts). No column changes; the rows do. Emptying `events` makes
    // the projector replay the whole store (`rebuildIfEmpty`, `restartIfEmpty`), so every clock is stored by the one
    // rule and the replay proof keeps comparing like with like.
    statements: ['events', 'event_facts', 'cases', 'sla_clocks', 'sla_clock_history', 'satisfaction', 'complaint_categories', 'staff_performance', 'visitors'].map((t) => `TRUNCATE TABLE IF EXISTS {{${t}}}`),
  },
  {
    id: 7,
    name: 'monthly per-project aggregates for the slowest panels; the projection position from a summary per part',
    statements: [
      // Filled from the tables as they stand, so an upgraded installation reads its history from the first request;
      // from then on the projector keeps them (aggregates.ts).
      ...aggregatesOf(7),
      // Every panel answer carries the projection position (max position, last recorded, count of events): without
      // this it scanned two columns of the whole log once a second, beside the panel queries. With it ClickHouse
      // reads one row per part. A merge that drops duplicate rows rebuilds the part's summary (max is unchanged by it).
      "ALTER TABLE {{events}} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild'",
      'ALTER TABLE {{events}} ADD PROJECTION IF NOT EXISTS position_high_water (SELECT max(position), max(recorded_at), count())',
      'ALTER TABLE {{events}} MATERIALIZE PROJECTION position_high_water SETTINGS mutations_sync = 1',
    ],
  },
  {
    id: 8,
    name: 'complaint places as columns of event_facts; the clocks open now as an aggregate',
    statements: [
      ...aggregatesOf(8),
      // complaint_places counts complaints by building and unit; parsing each event's JSON for them was most of its
      // time. The columns are computed on insert (also through event_facts_feed) and, here, for the rows already
      // stored. '' for the other fact types and for a complaint about common parts (no unit).
      ...COMPLAINT_PLACE_COLUMNS.map(([column, key]) => `ALTER TABLE {{event_facts}} ADD COLUMN IF NOT EXISTS ${column} String MATERIALIZED JSONExtractString(data, 'location', '${key}')`),
      ...COMPLAINT_PLACE_COLUMNS.map(([column]) => `ALTER TABLE {{event_facts}} MATERIALIZE COLUMN ${column} SETTINGS mutations_sync = 1`),
    ],
  },
  {
    id: 9,
    name: 'staff credits per person and month as an aggregate',
    // The staff scorecard (panel and monthly export) read a year of credits with FINAL; filled from the credits as
    // they stand, like 7 and 8, so no replay.
    statements: aggregatesOf(9),
  },
  {
    id: 10,
    name: 'follow-up visits and closed cases per month as aggregates',
    // The satisfaction trend read a year of visits and of cases with FINAL; filled from the tables as they stand,
    // like 7 to 9, so no replay.
    statements: aggregatesOf(10),
  },
  {
    id: 11,
    name: 'cases per month of receipt and of completion as aggregates',
    // The complaint rates and repair timeliness trends and the KPI tiles on cases read a year of cases with FINAL;
    // filled from the cases as they stand, like 7 to 10, so no replay.
    statements: aggregatesOf(11),
  },
  {
    id: 12,
    name: 'completed repairs, closed jobs and follow-up visits per person and month as aggregates',
    // The technician, first-responder and satisfaction-per-person panels read a year of cases or visits with FINAL;
    // filled from the tables as they stand, like 7 to 10, so no replay.
    statements: aggregatesOf(12),
  },
  {
    id: 13,
    name: 'position through which the aggregates are refreshed',
    // The projector recomputes aggregate slices every SL_AGGREGATE_REFRESH_MS rather than after every batch
    // (aggregates.ts AGGREGATES_REFRESHED). One row per refresh, the newest kept; the aggregates filled by 7 to 12 are
    // current with the tables as they stand.
    statements: [
      `CREATE TABLE IF NOT EXISTS {{aggregates_refreshed}} (position UInt64, recorded_at ${INSTANT}) ENGINE = ReplacingMergeTree(position) ORDER BY tuple()`,
      'INSERT INTO {{aggregates_refreshed}} SELECT max(position), max(recorded_at) FROM {{events}}',
    ],
  },
  {
    id: 14,
    name: 'complaints per month of receipt, department and classification as an aggregate',
    // The complaint breakdowns by nature, content, topic and cause read a year of cases with FINAL; filled from the
    // cases as they stand, like 7 to 12, so no replay.
    statements: aggregatesOf(14),
  },
  {
    id: 15,
    name: 'repairs per month of receipt, department and building as an aggregate; payment amounts as a column of event_facts',
    // worst_buildings read a year of cases with FINAL; filled from the cases as they stand,
    // like 7 to 12, so no replay. The fees KPI (tile, trend, export) parsed each payment's JSON for its amount: stored
    // on insert, as the complaint places are (migration 8), and here for the rows already stored.
    statements: [
      ...aggregatesOf(15),
      `ALTER TABLE {{event_facts}} ADD COLUMN IF NOT EXISTS ${PAYMENT_AMOUNT} UInt64 MATERIALIZED JSONExtractUInt(data, 'amount')`,
      `ALTER TABLE {{event_facts}} MATERIALIZE COLUMN ${PAYMENT_AMOUNT} SETTINGS mutations_sync = 1`,
    ],
  },
  {
    id: 17,
    name: 'complaints per month of receipt, building and unit as an aggregate',
    // complaint_places grouped a year of the event facts' complaints by building and unit; filled from the event facts
    // as they stand, like 14 and 15, so no replay. The projector keeps it from the events of each batch.
    statements: aggregatesOf(17),
  },
];

export const PROJECTION_TABLES = ['events', 'cases', 'sla_clocks', 'sla_clock_history', 'satisfaction', 'complaint_categories', 'staff_performance', 'staff', 'projects', 'quarantine', 'alerts', 'visitors', 'event_facts', ...AGGREGATE_TABLES] as const;

/** Applies every migration not yet applied; `through` stops after that one (tests of an upgrade from an older version). */
export async function migrate(db: Analytics, options: { through?: number } = {}): Promise<void> {
  await db.command(`CREATE DATABASE IF NOT EXISTS \`${db.database}\``);
  await db.command(`CREATE TABLE IF NOT EXISTS {{schema_migrations}} (id UInt32, name String, applied_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree ORDER BY id`);
  const applied = new Set((await db.query<{ id: number }>('SELECT id FROM {{schema_migrations}} FINAL')).map((r) => Number(r.id)));
  for (const m of MIGRATIONS) {
    if (applied.has(m.id) || m.id > (options.through ?? Infinity)) continue;
    for (const statement of m.statements) await db.command(statement);
    await db.insert('schema_migrations', [{ id: m.id, name: m.name, applied_at: new Date().toISOString() }]);
  }
}
