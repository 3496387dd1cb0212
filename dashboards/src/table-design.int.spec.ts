import { AGGREGATE_TABLES, AGGREGATES, type Analytics, backfillAggregateSql, KPIS, PROJECTION_POSITION_SQL, renderKpi, staffScorecardSql } from '@service-ledger/analytics';
import { testAnalytics } from '../../test/support/chdb';
import { DASHBOARDS, type Panel } from './catalogue';
import { panelParams } from './filters';
import { toApiSql } from './sql';

/**
 * The table design holds for the queries that run: a panel or KPI cut to one project and one month reads a small
 * share of the granules of every large table it touches (sorting keys led by the project, monthly partitions, skip
 * indexes on instants that move). Checked with `EXPLAIN indexes = 1` on synthetic tables large enough to have many
 * parts and granules: 40 projects × 12 months.
 */
const PROJECTS = 40;
const CASES = 720_000;
/** 2025-12-01 .. 2026-11-30: twelve months, each project's cases spread evenly over them. */
const START = "toDateTime64('2025-12-01 00:00:00', 3, 'UTC')";
const SPAN_SECONDS = 365 * 86400;
const TZ = 'Asia/Shanghai';

/** One ReadFromMergeTree step of a plan: the table and the granules it keeps after all indexes, of how many. */
interface Read {
  table: string;
  granules: number;
  of: number;
}

function readsOf(plan: string[]): Read[] {
  const reads: Read[] = [];
  for (const line of plan) {
    const read = /ReadFromMergeTree \(([^)]+)\)/.exec(line);
    if (read) reads.push({ table: read[1].split('.').pop()!.replaceAll('`', ''), granules: -1, of: -1 });
    const granules = /Granules: (\d+)\/(\d+)/.exec(line);
    if (granules && reads.length) Object.assign(reads[reads.length - 1], { granules: Number(granules[1]), of: Number(granules[2]) });
  }
  return reads;
}

describe('table design: one project and one month read a small share of every large table', () => {
  let db: Analytics;
  const project = 'P7';
  const month = { from: new Date('2026-05-31T16:00:00Z'), to: new Date('2026-06-30T16:00:00Z') }; // June 2026 in Shanghai

  beforeAll(async () => {
    db = await testAnalytics('design');
    // Three inserts per table: several parts per monthly partition, as a projector writing in batches leaves them.
    for (let part = 0; part < 3; part++) {
      const numbers = `numbers(${(part * CASES) / 3}, ${CASES / 3})`;
      const opened = `${START} + toIntervalSecond(intDiv(number, ${PROJECTS}) * ${Math.floor(SPAN_SECONDS / (CASES / PROJECTS))})`;
      const common = `toString(number) AS case_id, concat('P', toString(number % ${PROJECTS})) AS project_id, ${opened} AS opened_at`;
      await db.command(`INSERT INTO {{cases}} (case_id, project_id, opened_at, case_type, status, repair_category, completed_at, closed_at, handled_at,
          fix_status, arrival_status, first_reply_status, technician_id, first_responder_id, handler_id, department, building, owner_ref, nature, topic, version)
        SELECT ${common}, ['repair', 'complaint', 'help_request'][number % 3 + 1], 'closed', ['urgent', 'general'][number % 2 + 1],
          opened_at + toIntervalHour(number % 100), opened_at + toIntervalHour(number % 100), opened_at + toIntervalHour(number % 50),
          'met', 'met', 'met', concat('T', toString(number % 300)), concat('S', toString(number % 200)), concat('S', toString(number % 150)),
          'engineering', toString(number % 9), concat('O', toString(number % 5000)), ['valid', 'communicative'][number % 2 + 1], 'cleaning', 1
        FROM ${numbers}`);
      await db.command(`INSERT INTO {{sla_clocks}} (case_id, project_id, opened_at, clock, case_type, responsible_id, started_at, deadline, warning_at, met_at, status, version)
        SELECT ${common}, arrayJoin(['repair_arrival', 'repair_fix']) AS clock, 'repair', concat('T', toString(number % 300)), opened_at,
          opened_at + toIntervalHour(24), opened_at + toIntervalHour(18), if(number % 97 = 0, NULL, opened_at + toIntervalHour(number % 30)),
          if(number % 97 = 0, 'running', if(number % 30 < 24, 'met', 'breached')), 1
        FROM ${numbers}`);
      await db.command(`INSERT INTO {{satisfaction}} (visit_id, case_id, project_id, visited_at, case_type, satisfied, visitor_id, responsible_id, department, version)
        SELECT concat('v', toString(number)), ${common.replace(` AS opened_at`, ` + toIntervalDay(2) AS visited_at`)}, ['repair', 'complaint'][number % 2 + 1],
          number % 7 != 0, concat('S', toString(number % 200)), concat('T', toString(number % 300)), 'engineering', 1
        FROM ${numbers} WHERE number % 2 = 0`);
      await db.command(`INSERT INTO {{staff_performance}} (case_id, project_id, received_at, staff_id, credit, case_type, closed_at, on_time, satisfied, version)
        SELECT ${common.replace(' AS opened_at', ' AS received_at')}, concat('S', toString(number % 200)), ['first_responder', 'handler'][number % 2 + 1], 'repair',
          received_at + toIntervalHour(number % 100), 1, 1, 1
        FROM ${numbers}`);
      await db.command(`INSERT INTO {{complaint_categories}} (complaint_id, project_id, received_at, nature, topic, version)
        SELECT ${common.replace('toString(number) AS case_id', 'toString(number) AS complaint_id').replace(' AS opened_at', ' AS received_at')}, 'valid', 'cleaning', 1
        FROM ${numbers} WHERE number % 3 = 1`);
      // Every fourth number an event, payments and complaints in turn (by `number % 2` they were all payments).
      await db.command(`INSERT INTO {{events}} (event_id, stream_id, category, case_id, stream_version, position, type, occurred_at, recorded_at, project_id, data)
        SELECT generateUUIDv4(number), concat('repair-', toString(number)), 'repair', toString(number), 2, number + 1, ['RepairPaymentReceived', 'ComplaintReceived'][intDiv(number, 4) % 2 + 1],
          ${opened}, ${opened}, concat('P', toString(number % ${PROJECTS})), '{"amount": 100, "location": {"building": "1", "unit": "101"}}'
        FROM ${numbers} WHERE number % 4 = 0`);
    }
    // The monthly aggregates, as the migration that adds them fills them from the tables above.
    for (const a of AGGREGATES) await db.command(backfillAggregateSql(a));
  }, 300_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  const explain = async (sql: string, params: Record<string, unknown>) =>
    readsOf((await db.query<{ explain: string }>(`EXPLAIN indexes = 1 ${sql}`, params)).map((r) => r.explain));
  /** Tables with this many granules or more are "large" here; staff and projects are a granule each. */
  const LARGE = 40;
  /** Large tables read wide, keeping more than a tenth of their granules (none expected, but for `WIDE_READS`). */
  const wide = (reads: Read[]) => reads.filter((r) => r.of >= LARGE && r.granules / r.of > 0.1).map((r) => r.table);
  /**
   * The accepted exceptions. first_time_fix's set of reworked orders reads one narrow column (rework_of) of every
   * repair, without FINAL (a rework names its original in its first event, which never changes). rework_rate counts
   * two windows on different instants (reworks opened in the month, completions in the three months before), so only
   * the project cuts it: here a project's rows touch a granule in each of the many small parts; at scale, a small share.
   */
  const WIDE_READS: Record<string, string[]> = { first_time_fix: ['cases'], rework_rate: ['cases'] };

  it('the synthetic tables are large: many parts and granules', async () => {
    const reads = await explain('SELECT count() FROM {{cases}} FINAL', {});
    expect(reads[0].of).toBeGreaterThanOrEqual(80);
    const [{ parts }] = await db.query<{ parts: string }>(`SELECT count() AS parts FROM system.parts WHERE database = {d:String} AND table = 'cases' AND active`, { d: db.database });
    expect(Number(parts)).toBeGreaterThanOrEqual(12);
  });

  /** Panels without a time filter (open now) are cut by project only; that is still a small share. */
  const panels = DASHBOARDS.flatMap((d) => d.panels.map((p) => [d.id, p.id, p] as const));
  it.each(panels)('%s/%s for one project and one month', async (_d, _p, panel: Panel) => {
    const reads = await explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: project, department: '', staff: '' }, [project], TZ));
    expect(reads.length).toBeGreaterThan(0);
    expect(wide(reads)).toEqual(WIDE_READS[panel.kpi && panel.id === `kpi_${panel.kpi}` ? panel.kpi : panel.id] ?? []);
  });

  it.each(AGGREGATES.map((a) => [a.table, a.source] as const))('the aggregate %s is a small fraction of the %s rows it sums', async (table, source) => {
    const [{ rows }] = await db.query<{ rows: string }>(`SELECT toString(count()) AS rows FROM {{${table}}}`);
    const [{ summed }] = await db.query<{ summed: string }>(`SELECT toString(count()) AS summed FROM {{${source}}}`);
    expect(Number(rows)).toBeGreaterThan(0);
    expect(Number(rows) / Number(summed)).toBeLessThan(0.1);
  });

  it.each(['breaches_by_person', 'on_time_by_clock', 'worst_projects', 'breach_trend'])('%s over whole months reads its aggregate and none of the clocks', async (id) => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === id)!;
    const reads = await explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff: '' }, [], TZ));
    expect(reads.filter((r) => r.table === 'sla_clocks').every((r) => r.granules <= 0)).toBe(true);
    expect(reads.map((r) => r.table).some((t) => AGGREGATE_TABLES.includes(t))).toBe(true);
  });

  it('staff_scorecard over whole months reads its aggregate and none of the credits', async () => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === 'staff_scorecard')!;
    const reads = await explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff: '' }, [], TZ));
    expect(reads.filter((r) => r.table === 'staff_performance').every((r) => r.granules <= 0)).toBe(true);
    expect(reads.map((r) => r.table)).toContain('staff_credits_monthly');
  });

  it('complaint_places over whole months reads its aggregate and none of the event facts; over part of a month, the event facts', async () => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === 'complaint_places')!;
    const read = (range: { from: Date; to: Date }) => explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...range, project: '', department: '', staff: '' }, [], TZ));
    const whole = await read(month);
    expect(whole.filter((r) => r.table === 'event_facts').every((r) => r.granules <= 0)).toBe(true);
    expect(whole.some((r) => r.table === 'complaint_places_monthly' && r.granules > 0)).toBe(true);
    const part = await read({ from: month.from, to: new Date(month.to.getTime() - 10 * 86400_000) });
    expect(part.some((r) => r.table === 'event_facts' && r.granules > 0)).toBe(true);
  });

  it('satisfaction_trend over whole months reads its aggregates and none of the visits or cases; with a person, the visits and cases and none of the aggregates', async () => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === 'satisfaction_trend')!;
    const read = (staff: string) => explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff }, [], TZ));
    const sources = ['satisfaction', 'cases'];
    const aggregates = ['satisfaction_visits_monthly', 'closed_cases_monthly'];
    const whole = await read('');
    expect(whole.filter((r) => sources.includes(r.table)).every((r) => r.granules <= 0)).toBe(true);
    expect(aggregates.every((a) => whole.some((r) => r.table === a && r.granules > 0))).toBe(true);
    const person = await read('T7');
    expect(person.filter((r) => aggregates.includes(r.table)).every((r) => r.granules <= 0)).toBe(true);
    expect(sources.every((t) => person.some((r) => r.table === t && r.granules > 0))).toBe(true);
  });

  it.each([
    ['complaint_rates_trend', ['cases_received_monthly'], 'cases'],
    ['repair_timeliness_trend', ['cases_received_monthly', 'cases_completed_monthly'], 'cases'],
    ['repair_volume', ['cases_received_monthly'], 'cases'],
    ...['complaints_by_nature', 'complaints_by_content', 'complaints_by_topic', 'complaints_trend', 'complaint_topics_by_month', 'complaint_causes'].map((id) => [id, ['complaints_received_monthly'], 'cases'] as const),
    ['satisfaction_by_project', ['satisfaction_visits_monthly'], 'satisfaction'],
    ['satisfaction_by_department', ['satisfaction_visits_monthly'], 'satisfaction'],
  ] as const)('%s over whole months reads its aggregates %j and none of the %s; with a person, the source and none of the aggregates', async (id, aggregates, source) => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === id)!;
    const read = (staff: string) => explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff }, [], TZ));
    const whole = await read('');
    expect(whole.filter((r) => r.table === source).every((r) => r.granules <= 0)).toBe(true);
    expect(aggregates.every((a) => whole.some((r) => r.table === a && r.granules > 0))).toBe(true);
    const person = await read('T7');
    expect(person.filter((r) => (aggregates as readonly string[]).includes(r.table)).every((r) => r.granules <= 0)).toBe(true);
    expect(person.some((r) => r.table === source && r.granules > 0)).toBe(true);
  });

  it('the KPI tiles of KPIs a monthly aggregate sums read it over whole months and none of their source; with a person, their source', async () => {
    const tiles = DASHBOARDS.flatMap((d) => d.panels).filter((p) => p.kpi && p.id === `kpi_${p.kpi}`);
    const aggregated = tiles.filter((p) => AGGREGATE_TABLES.some((t) => p.sql.includes(`{{${t}}}`))).map((p) => p.kpi!);
    expect(aggregated.sort()).toEqual([
      'complaint_first_reply_half_day', 'complaint_reopen_rate', 'complaint_timeliness', 'complaints_received', 'follow_up_visit_rate', 'general_fixed_72h', 'major_complaints',
      'repair_completion', 'repair_satisfaction', 'repair_timeliness', 'satisfaction_rate', 'urgent_fixed_24h', 'urgent_on_site_2h', 'valid_complaint_rate',
    ]);
    for (const id of aggregated) {
      const panel = tiles.find((p) => p.kpi === id)!;
      const source = KPIS.find((k) => k.id === id)!.query.source;
      const read = (staff: string) => explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff }, [], TZ));
      const whole = await read('');
      expect([id, whole.filter((r) => r.table === source).every((r) => r.granules <= 0)]).toEqual([id, true]);
      expect([id, whole.some((r) => AGGREGATE_TABLES.includes(r.table) && r.granules > 0)]).toEqual([id, true]);
      const person = await read('T7');
      expect([id, person.some((r) => r.table === source && r.granules > 0)]).toEqual([id, true]);
    }
  });

  it.each([
    ['on_time_by_technician', 'repairs_completed_monthly', 'cases'],
    ['first_responder_follow_through', 'first_responder_closures_monthly', 'cases'],
    ['satisfaction_people', 'satisfaction_people_monthly', 'satisfaction'],
    ['satisfaction_by_person', 'satisfaction_people_monthly', 'satisfaction'],
  ])('%s over whole months reads its aggregate %s and none of the %s; with a person, the source when the aggregate lacks the filter’s columns', async (id, aggregate, source) => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === id)!;
    const read = (staff: string) => explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff }, [], TZ));
    const whole = await read('');
    expect(whole.filter((r) => r.table === source).every((r) => r.granules <= 0)).toBe(true);
    expect(whole.some((r) => r.table === aggregate && r.granules > 0)).toBe(true);
    // Its person filter matches the aggregate's own person column (responsible): still the aggregate alone.
    const person = await read('T7');
    const from = id === 'satisfaction_people' ? aggregate : source;
    expect(person.some((r) => r.table === from && r.granules > 0)).toBe(true);
  });

  it('repeat_complainants reads the owners’ complaint instants and none of the cases, gathered owner by owner as read (no hash table of every owner)', async () => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === 'repeat_complainants')!;
    const sql = toApiSql(panel.sql, (t) => db.table(t));
    const params = panelParams({ ...month, project: '', department: '', staff: '' }, [], TZ);
    const reads = await explain(sql, params);
    expect(reads.map((r) => r.table)).not.toContain('cases');
    expect(reads.map((r) => r.table)).toContain('owner_complaints_monthly');
    const pipeline = (await db.query<{ explain: string }>(`EXPLAIN PIPELINE ${sql}`, params)).map((r) => r.explain.trim().replace(/ × \d+.*$/, ''));
    expect(pipeline).toContain('AggregatingInOrderTransform');
    expect(pipeline).not.toContain('AggregatingTransform');
  });

  it('the monthly staff scorecard (export, API) reads its month from the aggregate, and from the credits only in another time zone', async () => {
    const params = { month: 202606, project: '', department: '', staff: '', tz: TZ };
    const reads = await explain(staffScorecardSql(), params);
    expect(reads.filter((r) => r.table === 'staff_performance').every((r) => r.granules <= 0)).toBe(true);
    expect(reads.map((r) => r.table)).toContain('staff_credits_monthly');
    const elsewhere = await explain(staffScorecardSql(), { ...params, tz: 'UTC' });
    expect(elsewhere.filter((r) => r.table === 'staff_credits_monthly').every((r) => r.granules <= 0)).toBe(true);
    expect(elsewhere.find((r) => r.table === 'staff_performance')?.granules).toBeGreaterThan(0);
  });

  it.each(['breached_now', 'at_risk_now_count', 'at_risk_now'])('%s reads the aggregate of open clocks and none of the clocks', async (id) => {
    const panel = DASHBOARDS.flatMap((d) => d.panels).find((p) => p.id === id)!;
    const reads = await explain(toApiSql(panel.sql, (t) => db.table(t)), panelParams({ ...month, project: '', department: '', staff: '' }, [], TZ));
    expect(reads.map((r) => r.table)).toEqual(['sla_open_clocks']);
  });

  it('the projection position every panel answer carries is read from the log’s summary per part, not the log', async () => {
    // And from the aggregates' refresh mark (a ReplacingMergeTree of one key: the position they are current through).
    expect((await explain(PROJECTION_POSITION_SQL, {})).map((r) => r.table).sort()).toEqual(['aggregates_refreshed', 'position_high_water']);
  });

  it.each(KPIS.map((k) => [k.id] as const))('KPI %s for one project and one month (the export and the API)', async (id) => {
    const kpi = KPIS.find((k) => k.id === id)!;
    const reads = await explain(renderKpi(id, kpi.query), { month: 202606, project, department: '', staff: '', tz: TZ });
    expect(reads.length).toBeGreaterThan(0);
    expect(wide(reads)).toEqual(WIDE_READS[id] ?? []);
  });
});
