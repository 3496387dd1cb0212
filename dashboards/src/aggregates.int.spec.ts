import { AGGREGATES, type Analytics, backfillAggregateSql, clockStatus, clockStatusNow as clockStatusNowOf, dumpTable, KPIS, migrate, PARAMETERS, PAYMENT_AMOUNT, refreshAggregates, renderKpi, replay, slicesOf, staffScorecard, staffScorecardSql } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { DateTime } from 'luxon';
import { testAnalytics } from '../../test/support/chdb';
import { sampleCompany } from '../../test/support/sample';
import { allPanels, kpiTemplate, PANEL_DIALECT } from './catalogue';
import { panelParams, type PanelFilters } from './filters';
import { expandGrafanaMacros } from './grafana-macros';
import { toApiSql, toGrafanaSql } from './sql';

/**
 * The panels rewritten for speed (read from the monthly aggregates, several KPIs in one scan, one read instead of a
 * table joined to itself, or columns stored on insert instead of JSON parsed per read) return the same rows as the
 * SQL they replaced, on the sample company: for ranges of whole months (read from the aggregate), ranges cutting
 * months (aggregate plus source), another time zone (source only), and with each filter.
 */
const clockStatusNow = clockStatusNowOf({ status: 'status', deadline: 'deadline', paused: 'paused' });
const OPEN_NOW = `FROM {{sla_clocks}} FINAL WHERE status = 'running' AND paused = 0 AND $PROJECT(project_id) AND $STAFF(responsible_id)`;
const rate = (num: string, den: string) => `if(${den} = 0, NULL, round(${num} / ${den}, 4))`;
/** Staff ids in `label` become "id name", as the per-person panels showed them. */
const withNames = (sql: string) =>
  `SELECT trim(concat(g.label, ' ', st.name)) AS label, g.value AS value FROM (${sql}) AS g LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = g.label`;
/**
 * A KPI grouped by month and/or a dimension over its source alone, as `kpiGroupedSql` rendered every grouping before
 * it read the whole months from aggregates.
 */
function fromSource(id: string, g: { monthly?: boolean; label?: string; series?: string; minDenominator?: number; measure?: 'denominator' }): string {
  const kpi = KPIS.find((k) => k.id === id)!;
  const keys: [string, string][] = [...(g.monthly ? [['t', `toStartOfMonth(${kpi.query.month}, $TZ)`] as [string, string]] : []), ...(g.label ? [['label', g.label] as [string, string]] : []), ...(g.series ? [['series', g.series] as [string, string]] : [])];
  const columns = [...(g.monthly ? ['t'] : []), ...(g.label ? ['label'] : []), ...(g.monthly ? [g.series ? 'series' : `'${id}' AS series`] : [])];
  const value = g.measure === 'denominator' ? 'denominator' : kpi.kind === 'rate' ? rate('numerator', 'denominator') : 'numerator';
  const where = [...(g.minDenominator ? [`denominator >= ${g.minDenominator}`] : []), ...(g.label ? ["label != ''"] : [])];
  return `SELECT ${[...columns, `${value} AS value`].join(', ')} FROM (${renderKpi(id, kpi.query, { kind: 'grouped', keys }, PANEL_DIALECT)})${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
}
const unclassified = (column: string) => `if(${column} = '', 'unclassified', ${column})`;
const FORMER: Record<string, string> = {
  breaches_by_person: `SELECT c.responsible_id AS responsible_id, any(st.name) AS name, countIf(c.s = 'breached') AS breaches, count() AS clocks_due,
      round(countIf(c.s = 'breached') / count(), 4) AS breach_rate,
      if(countIf(c.s = 'breached') = 0, NULL, round(avgIf(c.over, c.s = 'breached') / 3600, 1)) AS avg_hours_over,
      if(countIf(c.s = 'breached') = 0, NULL, round(maxIf(c.over, c.s = 'breached') / 3600, 1)) AS max_hours_over
    FROM (SELECT responsible_id, project_id, deadline, s,
        if(status = 'running', greatest(0, dateDiff('second', deadline, now64(3))), toInt64(breach_seconds)) AS over
      FROM (SELECT responsible_id, project_id, deadline, status, breach_seconds, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL
            WHERE $TIME(deadline) AND $PROJECT(project_id) AND $STAFF(responsible_id))
      WHERE s IN ('met', 'breached')) AS c LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = c.responsible_id
    WHERE c.responsible_id != '' GROUP BY c.responsible_id ORDER BY breaches DESC, breach_rate DESC, responsible_id LIMIT 20`,
  on_time_by_clock: `SELECT clock AS label, ${rate("countIf(s = 'met')", "countIf(s IN ('met', 'breached'))")} AS value
    FROM (SELECT clock, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL WHERE $TIME(started_at) AND $PROJECT(project_id) AND $STAFF(responsible_id))
    GROUP BY label ORDER BY label`,
  worst_projects: `SELECT project_id AS label, ${rate("countIf(s = 'breached')", "countIf(s IN ('met', 'breached'))")} AS value
    FROM (SELECT project_id, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL WHERE $TIME(started_at) AND $PROJECT(project_id) AND $STAFF(responsible_id))
    GROUP BY label ORDER BY value DESC LIMIT 10`,
  breach_trend: `SELECT toStartOfWeek(deadline, 1, $TZ) AS t, clock AS series, count() AS value
    FROM (SELECT clock, deadline, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL WHERE $TIME(deadline) AND $PROJECT(project_id) AND $STAFF(responsible_id))
    WHERE s = 'breached' GROUP BY t, series ORDER BY t, series`,
  repair_timeliness_trend: `SELECT * FROM (${['repair_timeliness', 'urgent_on_site_2h', 'urgent_fixed_24h', 'general_fixed_72h'].map((id) => fromSource(id, { monthly: true })).join(' UNION ALL ')}) ORDER BY t, series`,
  breached_now: `SELECT countIf(deadline < now64(3)) AS value ${OPEN_NOW}`,
  at_risk_now_count: `SELECT countIf(warning_at < now64(3) AND deadline >= now64(3)) AS value ${OPEN_NOW}`,
  at_risk_now: `SELECT case_id, clock, project_id, responsible_id, formatDateTime(deadline, '%Y-%m-%d %H:%i', $TZ) AS due,
      if(deadline < now64(3), 'breached', 'at_risk') AS state ${OPEN_NOW} AND warning_at < now64(3) ORDER BY deadline, case_id, clock LIMIT 50`, // it left ties unordered
  complaint_places: `SELECT project_id, JSONExtractString(data, 'location', 'building') AS building, JSONExtractString(data, 'location', 'unit') AS unit, count() AS complaints
    FROM {{event_facts}} FINAL WHERE type = 'ComplaintReceived' AND $TIME(occurred_at) AND $PROJECT(project_id)
    GROUP BY project_id, building, unit ORDER BY complaints DESC, project_id, building, unit LIMIT 10`,
  repeat_complainants: `SELECT a.project_id AS project_id, a.owner_ref AS owner_ref, uniqExact(a.case_id) AS repeat_complaints,
      formatDateTime(max(a.opened_at), '%Y-%m-%d', $TZ) AS last_complaint
    FROM (SELECT case_id, project_id, owner_ref, opened_at FROM {{cases}} FINAL
          WHERE case_type = 'complaint' AND owner_ref != '' AND $TIME(opened_at) AND $PROJECT(project_id)) AS a
    INNER JOIN (SELECT case_id, project_id, owner_ref, opened_at FROM {{cases}} FINAL
          WHERE case_type = 'complaint' AND owner_ref != '' AND $TIME_LOOKBACK(opened_at, 90) AND $PROJECT(project_id)) AS b
      ON a.project_id = b.project_id AND a.owner_ref = b.owner_ref
    WHERE b.case_id != a.case_id AND b.opened_at <= a.opened_at AND dateDiff('second', b.opened_at, a.opened_at) <= 90 * 86400
    GROUP BY a.project_id, a.owner_ref ORDER BY repeat_complaints DESC, project_id, owner_ref LIMIT 20`,
  satisfaction_trend: `SELECT * FROM (${fromSource('satisfaction_rate', { monthly: true })} UNION ALL ${fromSource('follow_up_visit_rate', { monthly: true })}) ORDER BY t, series`,
  on_time_by_technician: `${withNames(fromSource('repair_timeliness', { label: 'technician_id', minDenominator: 3 }))} ORDER BY value, label LIMIT 15`,
  first_responder_follow_through: `${withNames(fromSource('follow_up_visit_rate', { label: 'first_responder_id', minDenominator: 3 }))} ORDER BY value, label LIMIT 20`,
  satisfaction_people: `SELECT v.responsible_id AS responsible_id, any(st.name) AS name, countIf(v.satisfied = 1) AS satisfied, count() AS visits,
      round(countIf(v.satisfied = 1) / count(), 4) AS satisfaction_rate
    FROM {{satisfaction}} AS v FINAL LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = v.responsible_id
    WHERE v.case_type IN ('repair', 'complaint') AND v.responsible_id != '' AND $TIME(v.visited_at) AND $PROJECT(v.project_id)
      AND $DEPARTMENT(v.department) AND $STAFF(v.responsible_id)
    GROUP BY v.responsible_id ORDER BY satisfaction_rate, visits DESC, responsible_id LIMIT 30`,
  complaint_rates_trend: `SELECT * FROM (${['valid_complaint_rate', 'complaint_timeliness', 'complaint_reopen_rate'].map((id) => fromSource(id, { monthly: true })).join(' UNION ALL ')}) ORDER BY t, series`,
  // The breakdowns read the complaints, visits and cases per month of their aggregates (migrations 10, 11, 12, 14).
  complaints_by_nature: `${fromSource('complaints_received', { label: "if(nature = '', 'unclassified', if(nature = 'communicative' AND communicative_kind != '', communicative_kind, nature))" })} ORDER BY value DESC, label`,
  complaints_by_content: `${fromSource('complaints_received', { label: unclassified('content') })} ORDER BY value DESC, label`,
  complaints_by_topic: `${fromSource('complaints_received', { label: unclassified('topic') })} ORDER BY value DESC, label`,
  complaints_trend: `${fromSource('complaints_received', { monthly: true, series: unclassified('nature') })} ORDER BY t, series`,
  complaint_topics_by_month: `${fromSource('complaints_received', { monthly: true, series: unclassified('topic') })} ORDER BY t, series`,
  complaint_causes: `${fromSource('complaints_received', { label: "if(cause = '', 'not_investigated', cause)" })} ORDER BY value DESC, label`,
  repair_volume: `${fromSource('repair_completion', { monthly: true, series: unclassified('repair_category'), measure: 'denominator' })} ORDER BY t, series`,
  satisfaction_by_project: `${fromSource('satisfaction_rate', { label: 'project_id' })} ORDER BY label`,
  satisfaction_by_department: `${fromSource('satisfaction_rate', { label: 'department' })} ORDER BY label`,
  satisfaction_by_person: `${withNames(fromSource('satisfaction_rate', { label: 'responsible_id', minDenominator: 3 }))} ORDER BY value, label LIMIT 15`,
  // It left ties unordered; now in order of the label.
  worst_buildings: `SELECT concat(project_id, ' / ', if(building = '', '?', building)) AS label,
      ${rate(`countIf(${clockStatus('fix')} = 'breached')`, `countIf(${clockStatus('fix')} IN ('met', 'breached'))`)} AS value
    FROM {{cases}} FINAL WHERE case_type = 'repair' AND $TIME(opened_at) AND $PROJECT(project_id) AND $DEPARTMENT(department)
      AND $STAFF_IN(first_responder_id, handler_id, technician_id)
    GROUP BY label HAVING countIf(${clockStatus('fix')} IN ('met', 'breached')) >= 3 ORDER BY value DESC, label LIMIT 10`,
};
/**
 * Panels whose person filter takes another branch (the source instead of the aggregates): compared on rows with the
 * technician too. The complaint breakdowns, which have no complaint of the technician's, are compared with a
 * receptionist's as Grafana sends it (below).
 */
const PERSON_BRANCH = ['satisfaction_trend', 'on_time_by_technician', 'first_responder_follow_through', 'satisfaction_people', 'repair_volume', 'satisfaction_by_project', 'satisfaction_by_department', 'satisfaction_by_person'];

/**
 * The fees KPI summed each payment's amount from its JSON; now from the column stored on insert (migration 15). Its
 * tile and trend with the JSON put back.
 */
const withAmountFromJson = (sql: string) => {
  if (!sql.includes(PAYMENT_AMOUNT)) throw new Error('the fees KPI no longer reads the stored amount this spec replaces');
  return sql.replaceAll(PAYMENT_AMOUNT, "JSONExtractUInt(data, 'amount')");
};
FORMER.kpi_fees_collected = `SELECT round(numerator / 100, 2) AS value FROM (${withAmountFromJson(kpiTemplate('fees_collected'))})`;
FORMER.fees_trend = `${withAmountFromJson(fromSource('fees_collected', { monthly: true }))} ORDER BY t`;

/**
 * The KPI tiles read whole months from the aggregate of their KPI's source (migrations 10 and 11), when one sums what
 * the KPI counts; before, their KPI's SQL over the range. The list is what the catalogue has now: a tile that stops
 * reading an aggregate (or starts) shows in table-design.int.spec.ts.
 */
for (const panel of allPanels().filter((p) => p.kpi && p.id === `kpi_${p.kpi}` && /\{\{\w+_monthly\}\}/.test(p.sql))) {
  const kind = KPIS.find((k) => k.id === panel.kpi)!.kind;
  FORMER[panel.id] = `SELECT ${kind === 'rate' ? 'if(denominator = 0, NULL, round(numerator / denominator, 4))' : 'numerator'} AS value FROM (${kpiTemplate(panel.kpi!)})`;
}

/**
 * The staff scorecard counted every person-month from the credits themselves (before migration 9), in a dialect's
 * month or range condition and project filter; the rest of the scorecard (weights, score, rank, names) is unchanged.
 */
const formerScorecardCounts = (inMonth: string, project: string, tz: string) => `SELECT toStartOfMonth(credited_at, ${tz}) AS month, project_id, staff_id,
      countIf(credit = 'first_responder') AS n_received, countIf(credit = 'handler') AS n_handled, countIf(credit = 'rework_attributed') AS n_reworks,
      countIf(on_time = 1) AS n_on_time, countIf(on_time IS NOT NULL) AS n_on_time_base, countIf(credit = 'handler' AND satisfied = 1) AS n_satisfied,
      countIf(credit = 'handler' AND satisfied IS NOT NULL) AS n_visited
    FROM (SELECT project_id, staff_id, credit, on_time, satisfied, if(credit IN ('handler', 'visitor'), closed_at, received_at) AS credited_at
          FROM {{staff_performance}} FINAL WHERE (credit NOT IN ('handler', 'visitor') OR closed_at IS NOT NULL) AND ${inMonth} AND ${project})
    GROUP BY month, project_id, staff_id
    HAVING n_received + n_handled + n_reworks > 0`;
/** A scorecard SQL with its counts per person-month taken from the credits as before. */
function withFormerCounts(sql: string, inMonth: string, project: string, tz: string): string {
  const former = sql.replace(/SELECT month, project_id, staff_id, sum\(c_[\s\S]*?HAVING n_received \+ n_handled \+ n_reworks > 0/, formerScorecardCounts(inMonth, project, tz));
  if (former === sql) throw new Error('the scorecard SQL no longer has the counts this spec replaces');
  return former;
}
FORMER.staff_scorecard = withFormerCounts(allPanels().find((p) => p.id === 'staff_scorecard')!.sql, '$TIME(credited_at)', '$PROJECT(project_id)', '$TZ');

/** Where the sample company's history ends (test/support/sample.ts). */
const until = new Date('2026-11-20T00:00:00Z');

describe('rewritten panels return the rows of their former SQL', () => {
  let store: EventStore;
  let db: Analytics;
  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 4 }));
  }, 180_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  const month = (m: string, zone = 'Asia/Shanghai') => DateTime.fromISO(`${m}-01`, { zone });
  const last = DateTime.fromJSDate(until, { zone: 'Asia/Shanghai' }).startOf('month');
  const wholeMonths = { from: last.minus({ months: 4 }).toJSDate(), to: last.toJSDate() };
  const cases: [string, Partial<PanelFilters>, string[], string][] = [
    ['four whole months (the aggregate)', wholeMonths, [], 'Asia/Shanghai'],
    ['a range cutting months at both ends (aggregate and clocks)', { from: new Date(wholeMonths.from.getTime() + 9.5 * 86400_000), to: new Date(until.getTime() - 3 * 86400_000) }, [], 'Asia/Shanghai'],
    ['a range within one month (clocks only)', { from: last.minus({ months: 1 }).plus({ days: 3 }).toJSDate(), to: last.minus({ days: 2 }).toJSDate() }, [], 'Asia/Shanghai'],
    ['whole months in another time zone (clocks only)', { from: month(last.minus({ months: 4 }).toFormat('yyyy-MM'), 'UTC').toJSDate(), to: month(last.toFormat('yyyy-MM'), 'UTC').toJSDate() }, [], 'UTC'],
    ['one project', wholeMonths, ['P02'], 'Asia/Shanghai'],
    ['a person', { ...wholeMonths, staff: 'P01-technician-1' }, [], 'Asia/Shanghai'],
    ['a department', { ...wholeMonths, department: 'engineering' }, [], 'Asia/Shanghai'],
  ];
  const run = (sql: string, f: Partial<PanelFilters>, projects: string[], tz: string) =>
    db.query<Record<string, unknown>>(toApiSql(sql, (t) => db.table(t)), panelParams({ from: wholeMonths.from, to: wholeMonths.to, project: '', department: '', staff: '', ...f }, projects, tz));

  // The open-now panels just past the latest warning point of an open clock, when it is at risk and others are past
  // their deadline (by the wall clock, every clock the sample left running is long past it).
  const OPEN_NOW_PANELS = ['breached_now', 'at_risk_now_count', 'at_risk_now'];
  const atInstant = (sql: string) =>
    sql.replaceAll('now64(3)', `(SELECT max(warning_at) + toIntervalMillisecond(1) FROM {{sla_clocks}} FINAL WHERE status = 'running' AND paused = 0 AND deadline > warning_at)`);
  // Every other comparison at one instant: the two queries run milliseconds apart, and a running clock's hours past its
  // deadline (breaches_by_person's max_hours_over, rounded to 0.1 h) moved between them now and then.
  const pinnedNow = Date.now();
  const atPinnedNow = (sql: string) => sql.replaceAll('now64(3)', `fromUnixTimestamp64Milli(toInt64(${pinnedNow}), 'UTC')`);

  it.each(Object.keys(FORMER).flatMap((id) => cases.map((c) => [id, ...c] as const)))('%s: %s', async (id, _what, f, projects, tz) => {
    const panel = allPanels().find((p) => p.id === id)!;
    const sqlOf = (sql: string) => (OPEN_NOW_PANELS.includes(id) ? atInstant(sql) : atPinnedNow(sql));
    const [now, former] = [await run(sqlOf(panel.sql), f, projects, tz), await run(sqlOf(FORMER[id]), f, projects, tz)];
    expect(now).toEqual(former);
    if (projects.length === 0 && !f.staff) {
      // Rows to compare, or it proves nothing; a panel of one figure (breached_now) is compared on a figure above 0.
      expect(former.length).toBeGreaterThan(0);
      // (A KPI tile on the whole months: rare figures, major complaints, are 0 in a short range or one department.)
      if (Object.keys(former[0]).join() === 'value' && (!id.startsWith('kpi_') || f === wholeMonths)) expect(Number(former[0].value)).toBeGreaterThan(0);
    }
    // Its person filter takes another branch (the visits and cases instead of the aggregates): compared on rows too.
    if (PERSON_BRANCH.includes(id) && f.staff) expect(former.length).toBeGreaterThan(0);
  });

  // The trends' clock conditions ("breached now", "decided") are kept in the aggregates as counts plus the instants
  // from which the other cases meet them. The sample's cases have settled their reply and arrival clocks, so on a copy
  // some complaints and urgent repairs get them running again, toward deadlines a day apart (one with both reply
  // clocks running); at instants before, at and 1 ms after those deadlines the panels count as the cases' own SQL.
  it.each(['complaint_rates_trend', 'repair_timeliness_trend'])('%s and its KPI tiles on clocks count running clocks as their former SQL at instants around their deadlines, whole and part months', async (id) => {
    const copy = db.withDatabase(`${db.database}_clocks_${id}`);
    try {
      await migrate(copy);
      const tables = await db.query<{ name: string }>("SELECT name FROM system.tables WHERE database = {d:String} AND engine NOT LIKE '%View%' AND name NOT IN ('schema_migrations', 'event_facts')", { d: db.database });
      for (const { name } of tables) await copy.command(`INSERT INTO ${copy.table(name)} SELECT * FROM ${db.table(name)}`);
      const kind = id === 'complaint_rates_trend' ? "case_type = 'complaint'" : "case_type = 'repair' AND repair_category = 'urgent'";
      const picked = await copy.query<Record<string, unknown>>(`SELECT * FROM {{cases}} FINAL WHERE ${kind} AND opened_at >= {from:DateTime64(3, 'UTC')} AND opened_at < {to:DateTime64(3, 'UTC')} ORDER BY case_id LIMIT 40`, {
        from: wholeMonths.from.toISOString().replace('T', ' ').replace('Z', ''), to: wholeMonths.to.toISOString().replace('T', ' ').replace('Z', ''),
      });
      expect(picked.length).toBe(40);
      const day = 86400_000;
      const start = wholeMonths.to.getTime();
      const deadline = (i: number) => new Date(start + i * day).toISOString().replace('T', ' ').replace('Z', '');
      const running = picked.map((c, i) =>
        id === 'complaint_rates_trend'
          ? { ...c, first_reply_status: 'running', first_reply_deadline: deadline(i), ...(i % 4 === 0 ? { promised_reply_status: 'running', promised_reply_deadline: deadline(i + 2) } : {}), version: Number(c.version) + 1 }
          : { ...c, arrival_status: 'running', arrival_deadline: deadline(i), version: Number(c.version) + 1 },
      );
      await copy.insert('cases', running);
      await refreshAggregates(copy, 'cases', slicesOf('cases', running));
      const at = (instant: number) => (sql: string) => sql.replaceAll('now64(3)', `fromUnixTimestamp64Milli(toInt64(${instant}), 'UTC')`);
      const panel = allPanels().find((p) => p.id === id)!;
      const tiles = id === 'complaint_rates_trend' ? ['kpi_complaint_timeliness', 'kpi_complaint_first_reply_half_day'] : ['kpi_urgent_on_site_2h'];
      const onCopy = (sql: string, f: Partial<PanelFilters>, projects: string[], tz: string) =>
        copy.query<Record<string, unknown>>(toApiSql(sql, (t) => copy.table(t)), panelParams({ from: wholeMonths.from, to: wholeMonths.to, project: '', department: '', staff: '', ...f }, projects, tz));
      const figures = new Set<string>();
      for (const instant of [start - 1, start + 10 * day, start + 10 * day + 1, start + 25 * day + 1, start + 50 * day]) {
        for (const [, f, projects, tz] of [cases[0], cases[1], cases[3], cases[6]]) {
          const former = await onCopy(at(instant)(FORMER[id]), f, projects, tz);
          expect(await onCopy(at(instant)(panel.sql), f, projects, tz)).toEqual(former);
          if (f === wholeMonths) figures.add(JSON.stringify(former));
          for (const tile of tiles) {
            const sql = allPanels().find((p) => p.id === tile)!.sql;
            expect([tile, await onCopy(at(instant)(sql), f, projects, tz)]).toEqual([tile, await onCopy(at(instant)(FORMER[tile]), f, projects, tz)]);
          }
        }
      }
      // Every instant moves the figures, or this proves nothing about the clocks.
      expect(figures.size).toBe(5);
    } finally {
      await copy.command(`DROP DATABASE IF EXISTS \`${copy.database}\``);
    }
  }, 120_000);

  it.each([
    ['complaint_rates_trend', {}],
    ['complaint_rates_trend', { staff: 'P01-receptionist-1' }],
    ['repair_timeliness_trend', { staff: 'P01-technician-1' }],
    ['breaches_by_person', {}],
    ['repeat_complainants', {}],
    ['repair_timeliness_trend', {}],
    ['satisfaction_trend', {}],
    // Its aggregate has no person columns: with a person selected it reads the visits and cases.
    ['satisfaction_trend', { staff: 'P01-technician-1' }],
    ['on_time_by_technician', {}],
    ['on_time_by_technician', { staff: 'P01-technician-1' }],
    ['first_responder_follow_through', {}],
    ['worst_buildings', {}],
    ['fees_trend', {}],
    ['worst_buildings', { staff: 'P01-technician-1' }],
    ['satisfaction_people', {}],
    ['satisfaction_people', { staff: 'P01-technician-1' }],
    ['complaints_by_nature', {}],
    ['complaints_trend', {}],
    // Complaints reach a receptionist (first responder): with one selected, the complaint breakdowns read the cases.
    ...['complaints_by_nature', 'complaints_by_content', 'complaints_by_topic', 'complaints_trend', 'complaint_topics_by_month', 'complaint_causes'].map((id) => [id, { staff: 'P01-receptionist-1' }] as const),
    ['repair_volume', { staff: 'P01-technician-1' }],
    ['satisfaction_by_person', {}],
    ['satisfaction_by_person', { staff: 'P01-technician-1' }],
  ] as const)('%s as Grafana sends it (variables %j) equals its former SQL (Grafana’s range includes its end)', async (id, vars) => {
    const panel = allPanels().find((p) => p.id === id)!;
    const range = { from: wholeMonths.from, to: new Date(wholeMonths.to.getTime() - 1000) };
    const grafana = (sql: string) => db.query(expandGrafanaMacros(toGrafanaSql(sql, db.database), range, vars).replaceAll(`${db.database}.`, `\`${db.database}\`.`));
    const [now, former] = [await grafana(atPinnedNow(panel.sql)), await grafana(atPinnedNow(FORMER[id]))];
    expect(former.length).toBeGreaterThan(0);
    expect(now).toEqual(former);
  });

  it.each(['Asia/Shanghai', 'UTC'])('the monthly staff scorecard (export, API) in %s equals its former SQL, for every month, a project and a person', async (timeZone) => {
    const former = withFormerCounts(staffScorecardSql(PARAMETERS), 'toYYYYMM(credited_at, {tz:String}) = {month:UInt32}', "({project:String} = '' OR project_id = {project:String})", '{tz:String}');
    let compared = 0;
    for (let m = 4; m >= 0; m--) {
      const month = last.minus({ months: m }).toFormat('yyyy-MM');
      for (const filters of [{}, { project: 'P02' }, { staff: 'P01-technician-1' }, { department: 'engineering' }]) {
        const now = await staffScorecard(db, { month, timeZone, ...filters });
        const rows = await db.query<Record<string, unknown>>(`${former} ORDER BY project_id, rank, handled DESC, staff_id`, {
          month: Number(month.replace('-', '')), project: '', department: '', staff: '', tz: timeZone, ...filters,
        });
        expect(now.map((r) => [r.month, r.projectId, r.staffId, r.rank, r.score, r.firstResponderJobs, r.handled, r.onTime, r.onTimeBase, r.satisfied, r.visited, r.reworks, r.weightsFrom])).toEqual(
          rows.map((r) => [r.month, r.project_id, r.staff_id, Number(r.rank), Number(r.score), Number(r.received), Number(r.handled), Number(r.on_time), Number(r.on_time_base), Number(r.satisfied), Number(r.visited), Number(r.reworks), r.weights_from]),
        );
        compared += rows.length;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('the aggregates the projector keeps equal those computed from the final tables: after a replay in small batches, after a clock changes hands, after it leaves an aggregate’s rows, after a credit is withdrawn, after a closed case is reopened and closed again, a complaint reopened with its reply clock running, and a repair completed a month later', async () => {
    const kept = await Promise.all(AGGREGATES.map((a) => dumpTable(db, a.table)));
    expect(kept.every((rows) => rows.length > 0)).toBe(true);
    const target = db.withDatabase(`${db.database}_small_batches`);
    await replay(store, target, {}, 300);
    expect(await Promise.all(AGGREGATES.map((a) => dumpTable(target, a.table)))).toEqual(kept);
    // A clock handed to someone else leaves its old group (here its only clock) empty: written with source_rows = 0.
    const [group] = await target.query<{ project_id: string; opened_month: number; due_month: string; responsible_id: string }>(
      `SELECT project_id, opened_month, toString(due_month) AS due_month, responsible_id FROM {{sla_breaches_monthly}} FINAL WHERE source_rows = 1 AND breached = 1 ORDER BY tuple(*) LIMIT 1`,
    );
    const [clock] = await target.query<Record<string, unknown>>(
      `SELECT * FROM {{sla_clocks}} FINAL WHERE project_id = {p:String} AND toYYYYMM(opened_at) = {m:UInt32} AND toStartOfMonth(deadline, 'Asia/Shanghai') = {d:Date} AND responsible_id = {r:String}`,
      { p: group.project_id, m: group.opened_month, d: group.due_month, r: group.responsible_id },
    );
    await target.insert('sla_clocks', [{ ...clock, responsible_id: 'handed-over', version: Number(clock.version) + 1 }]);
    await refreshAggregates(target, 'sla_clocks', slicesOf('sla_clocks', [clock]));
    const rowsOf = (r: string) => target.query<{ source_rows: number; breached: number }>(`SELECT source_rows, breached FROM {{sla_breaches_monthly}} FINAL WHERE project_id = {p:String} AND responsible_id = {r:String} AND due_month = {d:Date}`, { p: group.project_id, r, d: group.due_month });
    expect(await rowsOf(group.responsible_id)).toEqual([{ source_rows: 0, breached: 0 }]);
    expect(await rowsOf('handed-over')).toEqual([{ source_rows: 1, breached: 1 }]);
    // Then it is met after all: it leaves the weekly breach aggregate, which sums only breached and running clocks; its
    // group there is emptied with the slice's version, above the group's old one, or the old row would stay.
    const weekly = () => target.query<{ source_rows: number }>(`SELECT source_rows FROM {{sla_breaches_weekly}} FINAL WHERE project_id = {p:String} AND responsible_id = 'handed-over'`, { p: group.project_id });
    expect(await weekly()).toEqual([{ source_rows: 1 }]);
    await target.insert('sla_clocks', [{ ...clock, responsible_id: 'handed-over', status: 'met', breach_seconds: 0, version: Number(clock.version) + 2 }]);
    await refreshAggregates(target, 'sla_clocks', slicesOf('sla_clocks', [clock]));
    expect(await weekly()).toEqual([{ source_rows: 0 }]);
    // A handler's credit withdrawn (its case reopened: kept open, counted nowhere) leaves its person-month (here its
    // only credit) empty, and the credit's slice is its receipt month whatever month it was counted in.
    const [credits] = await target.query<{ project_id: string; received_month: number; credited_day: string; staff_id: string }>(
      `SELECT project_id, received_month, toString(credited_month) AS credited_day, staff_id FROM {{staff_credits_monthly}} FINAL
       WHERE source_rows = 1 AND n_handled = 1 AND toYYYYMM(credited_month) != received_month ORDER BY tuple(*) LIMIT 1`,
    );
    const [credit] = await target.query<Record<string, unknown>>(
      `SELECT * FROM {{staff_performance}} FINAL WHERE project_id = {p:String} AND toYYYYMM(received_at) = {m:UInt32} AND credit = 'handler' AND staff_id = {s:String}
         AND toStartOfMonth(closed_at, 'Asia/Shanghai') = {d:Date}`,
      { p: credits.project_id, m: credits.received_month, s: credits.staff_id, d: credits.credited_day },
    );
    await target.insert('staff_performance', [{ ...credit, closed_at: null, on_time: null, satisfied: null, version: Number(credit.version) + 1 }]);
    await refreshAggregates(target, 'staff_performance', slicesOf('staff_performance', [credit]));
    expect(
      await target.query(`SELECT source_rows, n_handled FROM {{staff_credits_monthly}} FINAL WHERE project_id = {p:String} AND staff_id = {s:String} AND credited_month = {d:Date} AND received_month = {m:UInt32}`, {
        p: credits.project_id, s: credits.staff_id, d: credits.credited_day, m: credits.received_month,
      }),
    ).toEqual([{ source_rows: 0, n_handled: 0 }]);
    // A closed case reopened leaves the group of its closure month (here its only case) empty; its slice is its
    // opening month, whatever month it closed in. Then it closes again a month later: counted in that month.
    const [closedGroup] = await target.query<{ project_id: string; opened_month: number; closed_day: string; case_type: string; department: string }>(
      `SELECT project_id, opened_month, toString(closed_month) AS closed_day, case_type, department FROM {{closed_cases_monthly}} FINAL
       WHERE source_rows = 1 AND toYYYYMM(closed_month) != opened_month ORDER BY tuple(*) LIMIT 1`,
    );
    const [closedCase] = await target.query<Record<string, unknown>>(
      `SELECT * FROM {{cases}} FINAL WHERE project_id = {p:String} AND toYYYYMM(opened_at) = {m:UInt32} AND case_type = {t:String} AND department = {dep:String}
         AND closed_at IS NOT NULL AND status != 'cancelled' AND toStartOfMonth(closed_at, 'Asia/Shanghai') = {d:Date}`,
      { p: closedGroup.project_id, m: closedGroup.opened_month, t: closedGroup.case_type, dep: closedGroup.department, d: closedGroup.closed_day },
    );
    const closedIn = (day: string) =>
      target.query(`SELECT source_rows, closed FROM {{closed_cases_monthly}} FINAL WHERE project_id = {p:String} AND opened_month = {m:UInt32} AND case_type = {t:String} AND department = {dep:String} AND closed_month = {d:Date}`, {
        p: closedGroup.project_id, m: closedGroup.opened_month, t: closedGroup.case_type, dep: closedGroup.department, d: day,
      });
    await target.insert('cases', [{ ...closedCase, status: 'in_progress', closed_at: null, version: Number(closedCase.version) + 1 }]);
    await refreshAggregates(target, 'cases', slicesOf('cases', [closedCase]));
    expect(await closedIn(closedGroup.closed_day)).toEqual([{ source_rows: 0, closed: 0 }]);
    const reclosed = new Date(new Date(`${String(closedCase.closed_at).replace(' ', 'T')}Z`).getTime() + 31 * 86400_000);
    await target.insert('cases', [{ ...closedCase, closed_at: reclosed.toISOString().replace('T', ' ').replace('Z', ''), version: Number(closedCase.version) + 2 }]);
    await refreshAggregates(target, 'cases', slicesOf('cases', [closedCase]));
    const [{ later }] = await target.query<{ later: string }>("SELECT toString(toStartOfMonth({at:DateTime64(3, 'UTC')}, 'Asia/Shanghai')) AS later", { at: reclosed.toISOString().replace('T', ' ').replace('Z', '') });
    const [closedLater] = (await closedIn(later)) as { source_rows: number; closed: number }[];
    expect(closedLater.closed).toBeGreaterThan(0);
    // A complaint replied to in time is reopened and its reply clock runs again (toward a deadline): it leaves the
    // count of complaints replied to whatever the time for the instants from which it is not; and a completed repair
    // gets its completion moved a month on (its order reopened and completed again): it leaves its completion month.
    const [complaint] = await target.query<Record<string, unknown>>(
      `SELECT * FROM {{cases}} FINAL WHERE case_type = 'complaint' AND reopen_count = 0 AND first_reply_status = 'met' AND promised_reply_status NOT IN ('breached', 'running') ORDER BY case_id LIMIT 1`,
    );
    const receivedGroup = () =>
      target.query<{ reopened: number; due: number }>(
        `SELECT sum(reopened) AS reopened, sum(length(not_replied_in_time_due)) AS due FROM {{cases_received_monthly}} FINAL
         WHERE source_rows > 0 AND project_id = {p:String} AND received_month = toStartOfMonth({at:DateTime64(3, 'UTC')}, 'Asia/Shanghai') AND case_type = 'complaint' AND department = {dep:String}`,
        { p: complaint.project_id, at: complaint.opened_at, dep: complaint.department },
      );
    const [before] = await receivedGroup();
    const replyDue = new Date(Date.now() + 86400_000).toISOString().replace('T', ' ').replace('Z', '');
    await target.insert('cases', [{ ...complaint, reopen_count: 1, first_reply_status: 'running', first_reply_deadline: replyDue, version: Number(complaint.version) + 1 }]);
    await refreshAggregates(target, 'cases', slicesOf('cases', [complaint]));
    expect(await receivedGroup()).toEqual([{ reopened: Number(before.reopened) + 1, due: Number(before.due) + 1 }]);
    const [completedGroup] = await target.query<{ project_id: string; opened_month: number; completed_day: string; department: string; repair_category: string }>(
      `SELECT project_id, opened_month, toString(completed_month) AS completed_day, department, repair_category FROM {{cases_completed_monthly}} FINAL
       WHERE source_rows = 1 AND case_type = 'repair' ORDER BY tuple(*) LIMIT 1`,
    );
    const [repair] = await target.query<Record<string, unknown>>(
      `SELECT * FROM {{cases}} FINAL WHERE project_id = {p:String} AND toYYYYMM(opened_at) = {m:UInt32} AND case_type = 'repair' AND department = {dep:String}
         AND repair_category = {c:String} AND completed_at IS NOT NULL AND toStartOfMonth(completed_at, 'Asia/Shanghai') = {d:Date}`,
      { p: completedGroup.project_id, m: completedGroup.opened_month, dep: completedGroup.department, c: completedGroup.repair_category, d: completedGroup.completed_day },
    );
    const recompleted = new Date(new Date(`${String(repair.completed_at).replace(' ', 'T')}Z`).getTime() + 31 * 86400_000);
    await target.insert('cases', [{ ...repair, completed_at: recompleted.toISOString().replace('T', ' ').replace('Z', ''), version: Number(repair.version) + 1 }]);
    await refreshAggregates(target, 'cases', slicesOf('cases', [repair]));
    expect(
      await target.query(`SELECT source_rows, completed FROM {{cases_completed_monthly}} FINAL WHERE project_id = {p:String} AND opened_month = {m:UInt32} AND case_type = 'repair' AND department = {dep:String} AND repair_category = {c:String} AND completed_month = {d:Date}`, {
        p: completedGroup.project_id, m: completedGroup.opened_month, dep: completedGroup.department, c: completedGroup.repair_category, d: completedGroup.completed_day,
      }),
    ).toEqual([{ source_rows: 0, completed: 0 }]);
    const refreshed = await Promise.all(AGGREGATES.map((a) => dumpTable(target, a.table)));
    for (const a of AGGREGATES) {
      await target.command(`TRUNCATE TABLE {{${a.table}}}`);
      await target.command(backfillAggregateSql(a));
    }
    expect(await Promise.all(AGGREGATES.map((a) => dumpTable(target, a.table)))).toEqual(refreshed);
    await target.command(`DROP DATABASE \`${target.database}\``);
  }, 180_000);
});

describe('repeat_complainants at the edges', () => {
  let target: Analytics;
  beforeAll(async () => {
    target = await testAnalytics('repeats');
  });
  afterAll(() => target.command(`DROP DATABASE IF EXISTS \`${target.database}\``));

  it('counts as its former SQL at the edges: complaints at one instant, exactly 90 days apart, a second or half a second more, one before the range', async () => {
    // The sample has none of these; the panel decides a repeat from the nearest earlier complaint, so ties and the
    // 90-day edge are where it could differ from pairing every complaint with every other.
    const at = (iso: string, ms = 0) => new Date(new Date(iso).getTime() + ms).toISOString().replace('T', ' ').replace('Z', '');
    const day = 86400_000;
    const complaints: [string, string][] = [
      ['tie-2', at('2026-07-01T02:00:00Z')], ['tie-2', at('2026-07-01T02:00:00Z')],
      ['tie-3', at('2026-07-05T02:00:00Z')], ['tie-3', at('2026-07-05T02:00:00Z')], ['tie-3', at('2026-07-05T02:00:00Z')],
      ['tie-then-later', at('2026-06-10T02:00:00Z')], ['tie-then-later', at('2026-06-10T02:00:00Z')], ['tie-then-later', at('2026-07-10T02:00:00Z')],
      ['exactly-90', at('2026-06-02T00:00:00Z')], ['exactly-90', at('2026-06-02T00:00:00Z', 90 * day)],
      ['90-and-a-second', at('2026-06-03T00:00:00Z')], ['90-and-a-second', at('2026-06-03T00:00:00Z', 90 * day + 1000)],
      ['90-and-half-a-second', at('2026-06-04T00:00:00.700Z')], ['90-and-half-a-second', at('2026-06-04T00:00:00.700Z', 90 * day + 500)],
      ['before-the-range', at('2026-05-20T00:00:00Z')], ['before-the-range', at('2026-06-15T00:00:00Z')],
      ['both-before', at('2026-05-01T00:00:00Z')], ['both-before', at('2026-05-02T00:00:00Z')],
      ['once', at('2026-07-01T00:00:00Z')],
    ];
    const rows = complaints.map(([owner, opened], i) => ({ case_id: `C-${i}`, case_type: 'complaint', project_id: 'P01', owner_ref: owner, opened_at: opened, status: 'received', version: 1 }));
    await target.insert('cases', rows);
    // The panel reads the owners' complaint instants per month (migration 12), refreshed as the projector does.
    await refreshAggregates(target, 'cases', slicesOf('cases', rows));
    const panel = allPanels().find((p) => p.id === 'repeat_complainants')!;
    for (const [tz, from, to] of [['Asia/Shanghai', '2026-05-31T16:00:00Z', '2026-09-30T16:00:00Z'], ['UTC', '2026-06-01T00:00:00Z', '2026-10-01T00:00:00Z']]) {
      const params = panelParams({ from: new Date(from), to: new Date(to), project: '', department: '', staff: '' }, [], tz);
      const query = (sql: string) => target.query<Record<string, unknown>>(toApiSql(sql, (t) => target.table(t)), params);
      const former = await query(FORMER.repeat_complainants);
      expect(former.map((r) => [r.owner_ref, r.repeat_complaints])).toEqual(
        expect.arrayContaining([['tie-3', 3], ['tie-2', 2], ['tie-then-later', 3], ['exactly-90', 1], ['before-the-range', 1]]),
      );
      expect(await query(panel.sql)).toEqual(former);
    }
  });
});
