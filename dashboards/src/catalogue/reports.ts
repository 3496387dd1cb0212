import { AGGREGATE_TIME_ZONE, AGGREGATES, COMPLAINT_PLACES_MONTHLY, COMPLAINTS_RECEIVED_MONTHLY, LIVE_AGGREGATE_ROWS, OWNER_COMPLAINTS_MONTHLY, SATISFACTION_PEOPLE_MONTHLY } from '@service-ledger/analytics';
import { kpiGroupedSql } from './kpi';
import { clockStatusNow } from './helpers';
import type { Panel } from './types';

/**
 * The report panels: the breach report by person, satisfaction per person with its counts, and complaint analytics
 * (topic by month, places, causes, repeat complainants). Same definitions as libs/analytics/src/reports, which
 * build the workbook sheets and the /api/reports reads.
 */

/** A running clock's time over its deadline now (0 before it), as the breach report counts it. */
const overNow = (deadline: string) => `greatest(0, dateDiff('second', ${deadline}, now64(3)))`;

/**
 * Per person, over clocks due in the range (deadline) and decided (met, breached, or running past the deadline): clocks
 * due, breaches, and the sum and longest of the time over. The months lying wholly in the range come from the monthly
 * aggregate (libs/analytics aggregates.ts), whose running clocks' deadlines are checked against now here; the rest of
 * the range (a part month, another time zone) from the clocks themselves.
 */
const DUE_CLOCKS_BY_PERSON = `SELECT responsible_id, sum(due) AS clocks_due, sum(breaches) AS breaches, sum(over_sum) AS over_sum, max(over_max) AS over_max FROM (
    SELECT responsible_id, sum(decided + arrayCount(d -> d < now64(3), running_deadlines)) AS due,
      sum(breached + arrayCount(d -> d < now64(3), running_deadlines)) AS breaches,
      sum(over_seconds + arraySum(arrayMap(d -> ${overNow('d')}, running_deadlines))) AS over_sum,
      max(greatest(max_over_seconds, arrayMax(arrayMap(d -> ${overNow('d')}, running_deadlines)))) AS over_max
    FROM {{sla_breaches_monthly}} FINAL
    WHERE $WHOLE_MONTHS(due_month) AND $PROJECT(project_id) AND $STAFF(responsible_id) AND responsible_id != ''
    GROUP BY responsible_id
    UNION ALL
    SELECT responsible_id, count() AS due, countIf(s = 'breached') AS breaches, sumIf(over, s = 'breached') AS over_sum, maxIf(over, s = 'breached') AS over_max
    FROM (SELECT responsible_id, s, if(status = 'running', ${overNow('deadline')}, toInt64(breach_seconds)) AS over
      FROM (SELECT responsible_id, deadline, status, breach_seconds, ${clockStatusNow} AS s FROM {{sla_clocks}} FINAL
            WHERE $TIME_OUTSIDE_WHOLE_MONTHS(deadline) AND $PROJECT(project_id) AND $STAFF(responsible_id))
      WHERE s IN ('met', 'breached') AND responsible_id != '')
    GROUP BY responsible_id)
  GROUP BY responsible_id HAVING clocks_due > 0`;

export const breachesByPerson: Panel = {
  id: 'breaches_by_person', viz: 'table', unit: 'count',
  columns: ['responsible_id', 'name', 'breaches', 'clocks_due', 'breach_rate', 'avg_hours_over', 'max_hours_over'],
  title: { zh: '超时分析（按责任人）', en: 'Breach report by person' },
  description: {
    zh: '截止时间在范围内的时限：超时数、到期数、超时率、平均与最长超时（小时），超时最多的在前。',
    en: 'Clocks due in the range: breaches, clocks due, breach %, average and longest time over (hours), most breaches first.',
  },
  // The 20 people first, then their names: the join matches 20 rows.
  sql: `SELECT g.responsible_id AS responsible_id, st.name AS name, g.breaches AS breaches, g.clocks_due AS clocks_due, g.breach_rate AS breach_rate,
      g.avg_hours_over AS avg_hours_over, g.max_hours_over AS max_hours_over
    FROM (SELECT responsible_id, breaches, clocks_due, round(breaches / clocks_due, 4) AS breach_rate,
        if(breaches = 0, NULL, round(over_sum / breaches / 3600, 1)) AS avg_hours_over, if(breaches = 0, NULL, round(over_max / 3600, 1)) AS max_hours_over
      FROM (${DUE_CLOCKS_BY_PERSON}) ORDER BY breaches DESC, breach_rate DESC, responsible_id LIMIT 20) AS g
    LEFT JOIN (SELECT staff_id, any(name) AS name FROM {{staff}} FINAL GROUP BY staff_id) AS st ON st.staff_id = g.responsible_id
    ORDER BY breaches DESC, breach_rate DESC, responsible_id`,
};

/**
 * The visits satisfaction_people counts and how, as its aggregate (aggregates.ts) must sum them: the panel fails to
 * build when the two part.
 */
const PEOPLE_VISITS = "case_type IN ('repair', 'complaint') AND responsible_id != ''";
{
  const a = AGGREGATES.find((x) => x.table === SATISFACTION_PEOPLE_MONTHLY);
  const shape = JSON.stringify([a?.source, a?.where, a?.keys.map(([k, , e]) => [k, e]), a?.measures.map(([k, , e]) => [k, e])]);
  const wanted = JSON.stringify(['satisfaction', PEOPLE_VISITS, [['visit_month', `toStartOfMonth(visited_at, '${AGGREGATE_TIME_ZONE}')`], ['department', 'department'], ['responsible_id', 'responsible_id']], [['visits', 'count()'], ['satisfied', 'countIf(satisfied = 1)']]]);
  if (shape !== wanted) throw new Error(`${SATISFACTION_PEOPLE_MONTHLY} no longer sums the visits satisfaction_people counts`);
}

export const satisfactionPeople: Panel = {
  id: 'satisfaction_people', viz: 'table', unit: 'count', columns: ['responsible_id', 'name', 'satisfied', 'visits', 'satisfaction_rate'],
  title: { zh: '个人满意度（满意/回访）', en: 'Satisfaction per person (satisfied / visited)' },
  description: {
    zh: '按负责的处理人或技工：满意次数、回访次数和满意率，最低的在前。每次回访都计入，包括后来重开的投诉上那次不满意的回访。',
    en: 'Per responsible handler or technician: satisfied and visited counts and the rate, lowest first. Every visit counts, also an unsatisfied one on a complaint reopened later.',
  },
  // The months the range covers wholly from the visits per person and month (aggregates.ts, migration 12; its person
  // is the column the person filter matches, so it serves with one too), the rest from the visits; the names join the
  // 30 people shown, not every visit.
  sql: `SELECT g.responsible_id AS responsible_id, st.name AS name, g.satisfied AS satisfied, g.visits AS visits, g.satisfaction_rate AS satisfaction_rate
    FROM (SELECT responsible_id, sum(s) AS satisfied, sum(n) AS visits, round(satisfied / visits, 4) AS satisfaction_rate FROM (
        SELECT responsible_id, sum(satisfied) AS s, sum(visits) AS n FROM {{${SATISFACTION_PEOPLE_MONTHLY}}} FINAL
        WHERE ${LIVE_AGGREGATE_ROWS} AND $WHOLE_MONTHS(visit_month) AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF(responsible_id)
        GROUP BY responsible_id
        UNION ALL
        SELECT responsible_id, countIf(satisfied = 1) AS s, count() AS n FROM {{satisfaction}} FINAL
        WHERE ${PEOPLE_VISITS} AND $TIME_OUTSIDE_WHOLE_MONTHS(visited_at) AND $PROJECT(project_id) AND $DEPARTMENT(department) AND $STAFF(responsible_id)
        GROUP BY responsible_id)
      GROUP BY responsible_id ORDER BY satisfaction_rate, visits DESC, responsible_id LIMIT 30) AS g
    LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = g.responsible_id
    ORDER BY satisfaction_rate, visits DESC, responsible_id`,
};

export const topicsByMonth: Panel = {
  id: 'complaint_topics_by_month', kpi: 'complaints_received', viz: 'timeseries', unit: 'count', columns: ['t', 'series', 'value'],
  title: { zh: '投诉话题（按月）', en: 'Complaint topics per month' },
  description: { zh: '每月受理的投诉，按话题。', en: 'Complaints received per month, per topic.' },
  sql: `${kpiGroupedSql('complaints_received', { monthly: true, series: "if(topic = '', 'unclassified', topic)", aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY t, series`,
};

export const complaintCauses: Panel = {
  id: 'complaint_causes', kpi: 'complaints_received', viz: 'pie', unit: 'count', columns: ['label', 'value'],
  title: { zh: '投诉原因', en: 'Complaint causes' },
  description: { zh: '调查后的主观/客观原因（未调查的单列）。', en: 'Subjective or objective cause after investigation (not yet investigated apart).' },
  sql: `${kpiGroupedSql('complaints_received', { label: "if(cause = '', 'not_investigated', cause)", aggregate: COMPLAINTS_RECEIVED_MONTHLY })} ORDER BY value DESC, label`,
};

/**
 * The complaints complaint_places counts and where, as its aggregate (aggregates.ts, migration 17) must count them:
 * the panel fails to build when the two part.
 */
const PLACE_COMPLAINTS = "type = 'ComplaintReceived'";
{
  const a = AGGREGATES.find((x) => x.table === COMPLAINT_PLACES_MONTHLY);
  const shape = JSON.stringify([a?.source, a?.where, a?.keys.map(([k, , e]) => [k, e]), a?.measures.map(([k, , e]) => [k, e])]);
  const wanted = JSON.stringify(['event_facts', PLACE_COMPLAINTS, [['received_month', `toStartOfMonth(occurred_at, '${AGGREGATE_TIME_ZONE}')`], ['building', 'location_building'], ['unit', 'location_unit']], [['complaints', 'count()']]]);
  if (shape !== wanted) throw new Error(`${COMPLAINT_PLACES_MONTHLY} no longer counts the complaints complaint_places counts`);
}

export const complaintPlaces: Panel = {
  id: 'complaint_places', viz: 'table', unit: 'count', columns: ['project_id', 'building', 'unit', 'complaints'],
  title: { zh: '投诉最多的楼栋与房号', en: 'Buildings and units with most complaints' },
  description: { zh: '范围内受理的投诉，按楼栋和房号，前10名（房号为空是共用部位）。', en: 'Complaints received in the range by building and unit, top 10 (no unit: common parts).' },
  // The months the range covers wholly from the complaints per month and place (aggregates.ts, migration 17), the
  // rest from the event facts, whose place columns are the event's location fields stored on insert (migration 8).
  // The two sides' rows are grouped once, together: a grouping per side first would group every place twice.
  sql: `SELECT project_id, building, unit, sum(n) AS complaints FROM (
        SELECT project_id, building, unit, complaints AS n FROM {{${COMPLAINT_PLACES_MONTHLY}}} FINAL
        WHERE ${LIVE_AGGREGATE_ROWS} AND $WHOLE_MONTHS(received_month) AND $PROJECT(project_id)
        UNION ALL
        SELECT project_id, location_building AS building, location_unit AS unit, toUInt64(1) AS n FROM {{event_facts}} FINAL
        WHERE ${PLACE_COMPLAINTS} AND $TIME_OUTSIDE_WHOLE_MONTHS(occurred_at) AND $PROJECT(project_id))
    GROUP BY project_id, building, unit ORDER BY complaints DESC, project_id, building, unit LIMIT 10`,
};

/**
 * The complaints repeat_complainants judges, as its aggregate (aggregates.ts) must hold them: every complaint with an
 * owner, its instant of receipt; the panel fails to build when the two part.
 */
const REPEAT_SOURCE = (() => {
  const a = AGGREGATES.find((x) => x.table === OWNER_COMPLAINTS_MONTHLY);
  const [[key, , owner] = [], ...keys] = a?.keys ?? [];
  const [[measure, , instants] = [], ...measures] = a?.measures ?? [];
  if (a?.source !== 'cases' || a.where !== "case_type = 'complaint' AND owner_ref != ''" || key !== 'owner_ref' || owner !== 'owner_ref' || keys.length || measures.length || instants !== 'arraySort(groupArray(opened_at))') {
    throw new Error(`${OWNER_COMPLAINTS_MONTHLY} no longer holds the complaints repeat_complainants judges`);
  }
  return { measure };
})();

export const repeatComplainants: Panel = {
  id: 'repeat_complainants', viz: 'table', unit: 'count', columns: ['project_id', 'owner_ref', 'repeat_complaints', 'last_complaint'],
  title: { zh: '重复投诉业主（90天内）', en: 'Repeat complainants (within 90 days)' },
  description: {
    zh: '范围内的投诉中，同一业主编号（化名，不含姓名电话）在此前90天内已投诉过的次数。',
    en: 'Complaints in the range whose owner ref (pseudonymous: no name or phone) had complained in the 90 days before, per owner.',
  },
  // One read of each owner's complaint instants per month (aggregates.ts, migration 12: narrower and fewer rows than
  // the cases, read with FINAL before), those of the range and the 90 days before it gathered per owner: a complaint
  // in the range repeats when another of the owner's was received at most 90 days before it (or at the same instant).
  // Joining the complaints to themselves read the table twice and paired every complaint of an owner with every
  // other. Each complaint is gathered as one number, its instant in milliseconds × 2 plus 1 when it is in the range.
  // In time order the nearest earlier complaint decides: a complaint repeats when the one before it was received at
  // most 90 days before, or the one after it at the same instant (the first gets a "before" 100 days earlier, the
  // last an "after" 1 ms later: neither counts). The instants are kept exactly, so any range and zone reads the
  // aggregate alone; a month holding none of the range's instants is left out before its array is gathered.
  // The aggregate is sorted by project and owner, so its rows are gathered per owner as they are read, one owner after
  // the other (`optimize_aggregation_in_order`), with FINAL merged in one stream: any more and ClickHouse splits the
  // table into key ranges merged side by side. A hash table of every owner instead, and the arrays handed on from it,
  // cost twice the CPU (11.4 M events, a year: the arrays' work after the grouping most of the difference).
  sql: `SELECT project_id, owner_ref, toUInt64(length(repeats)) AS repeat_complaints,
      formatDateTime(fromUnixTimestamp64Milli(intDiv(arrayMax(repeats), 2), 'UTC'), '%Y-%m-%d', $TZ) AS last_complaint
    FROM (SELECT project_id, owner_ref,
            arrayFilter((c, before, after) -> c % 2 = 1
                AND (dateDiff('second', fromUnixTimestamp64Milli(intDiv(before, 2), 'UTC'), fromUnixTimestamp64Milli(intDiv(c, 2), 'UTC')) <= 90 * 86400 OR intDiv(after, 2) = intDiv(c, 2)),
              complaints, arrayPushFront(arrayPopBack(complaints), complaints[1] - 2 * 100 * 86400000), arrayPushBack(arrayPopFront(complaints), complaints[-1] + 2)) AS repeats
          FROM (SELECT project_id, owner_ref,
                  arraySort(arrayMap(x -> toUnixTimestamp64Milli(x) * 2 + ($TIME(x)), arrayFilter(x -> $TIME_LOOKBACK(x, 90), arrayFlatten(groupArray(${REPEAT_SOURCE.measure}))))) AS complaints
                FROM {{${OWNER_COMPLAINTS_MONTHLY}}} FINAL WHERE ${LIVE_AGGREGATE_ROWS} AND arrayExists(x -> $TIME_LOOKBACK(x, 90), ${REPEAT_SOURCE.measure}) AND $PROJECT(project_id)
                GROUP BY project_id, owner_ref HAVING length(complaints) > 1))
    WHERE notEmpty(repeats)
    ORDER BY repeat_complaints DESC, project_id, owner_ref LIMIT 20
    SETTINGS optimize_aggregation_in_order = 1, max_final_threads = 1`,
};
