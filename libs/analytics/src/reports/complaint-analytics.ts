import type { Analytics } from '../client';
import { type KpiFilters, kpiParams } from '../kpi/run';

export interface ComplaintAnalytics {
  /** Complaints per topic and month (month of receipt), the twelve months ending with the month asked for. */
  topicsByMonth: { projectId: string; month: string; topic: string; complaints: number }[];
  /** The buildings and units with most complaints received in the month, top N per project. */
  places: { projectId: string; building: string; unit: string; complaints: number; rank: number }[];
  /** Complaints received in the month by cause (subjective/objective, '' = not investigated yet) and content. */
  causes: { projectId: string; cause: string; content: string; complaints: number }[];
  /**
   * Repeat complainants: an owner (pseudonymous owner ref, never a name) with a complaint in the month and another
   * complaint in the same project within the 90 days before it.
   */
  repeats: { projectId: string; ownerRef: string; complaints: number; first: string; last: string; topics: string[] }[];
}

const REPEAT_WINDOW_DAYS = 90;

export async function complaintAnalytics(db: Analytics, filters: KpiFilters, options: { top?: number } = {}): Promise<ComplaintAnalytics> {
  const params = { ...kpiParams(filters), top: options.top ?? 10, window: REPEAT_WINDOW_DAYS * 86400 };
  const topicsByMonth = await db.query<{ project_id: string; month: string; topic: string; complaints: string }>(
    `SELECT project_id, formatDateTime(toTimeZone(received_at, {tz:String}), '%Y-%m') AS month, if(topic = '', 'unclassified', topic) AS topic, count() AS complaints
     FROM {{complaint_categories}} FINAL
     WHERE toYYYYMM(received_at, {tz:String}) BETWEEN toYYYYMM(addMonths(toDate(concat(toString({month:UInt32}), '01')), -11)) AND {month:UInt32}
       AND ({project:String} = '' OR project_id = {project:String})
     GROUP BY project_id, month, topic ORDER BY project_id, month, complaints DESC, topic`,
    params,
  );
  // Units are read from the sanitised event (location is not personal data) in `event_facts`, whose place columns hold
  // its location fields (migration 8); the cases table keeps only the building.
  const places = await db.query<{ project_id: string; building: string; unit: string; complaints: string }>(
    `SELECT project_id, location_building AS building, location_unit AS unit, count() AS complaints
     FROM {{event_facts}} FINAL
     WHERE type = 'ComplaintReceived' AND toYYYYMM(occurred_at, {tz:String}) = {month:UInt32} AND ({project:String} = '' OR project_id = {project:String})
     GROUP BY project_id, building, unit
     ORDER BY project_id, complaints DESC, building, unit
     LIMIT {top:UInt32} BY project_id`,
    params,
  );
  const causes = await db.query<{ project_id: string; cause: string; content: string; complaints: string }>(
    `SELECT project_id, cause, content, count() AS complaints FROM {{cases}} FINAL
     WHERE case_type = 'complaint' AND toYYYYMM(opened_at, {tz:String}) = {month:UInt32} AND ({project:String} = '' OR project_id = {project:String})
     GROUP BY project_id, cause, content ORDER BY project_id, complaints DESC, cause, content`,
    params,
  );
  // The earlier complaint (b) is in the same project and at most the window before the month: only those months are read.
  const pairs = await db.query<{ project_id: string; owner_ref: string; a: string; a_at: string; a_topic: string; b: string; b_at: string; b_topic: string }>(
    `SELECT a.project_id AS project_id, a.owner_ref AS owner_ref, a.case_id AS a, toString(a.opened_at) AS a_at, a.topic AS a_topic,
        b.case_id AS b, toString(b.opened_at) AS b_at, b.topic AS b_topic
     FROM (SELECT case_id, project_id, owner_ref, opened_at, topic FROM {{cases}} FINAL
           WHERE case_type = 'complaint' AND owner_ref != '' AND toYYYYMM(opened_at, {tz:String}) = {month:UInt32}
             AND ({project:String} = '' OR project_id = {project:String})) AS a
     INNER JOIN (SELECT case_id, project_id, owner_ref, opened_at, topic FROM {{cases}} FINAL WHERE case_type = 'complaint' AND owner_ref != ''
           AND ({project:String} = '' OR project_id = {project:String}) AND toYYYYMM(opened_at, {tz:String}) <= {month:UInt32}
           AND opened_at >= toDateTime64(toDate(concat(toString({month:UInt32}), '01')), 3, {tz:String}) - toIntervalSecond({window:UInt32})) AS b
       ON a.project_id = b.project_id AND a.owner_ref = b.owner_ref
     WHERE a.case_id != b.case_id AND b.opened_at <= a.opened_at AND dateDiff('second', b.opened_at, a.opened_at) <= {window:UInt32}`,
    params,
  );
  const repeats = new Map<string, { projectId: string; ownerRef: string; cases: Map<string, { at: string; topic: string }> }>();
  for (const p of pairs) {
    const k = `${p.project_id}\u0000${p.owner_ref}`;
    const r = repeats.get(k) ?? { projectId: p.project_id, ownerRef: p.owner_ref, cases: new Map() };
    r.cases.set(p.a, { at: p.a_at, topic: p.a_topic }).set(p.b, { at: p.b_at, topic: p.b_topic });
    repeats.set(k, r);
  }
  const utc = (s: string) => `${s.replace(' ', 'T')}Z`;
  return {
    topicsByMonth: topicsByMonth.map((r) => ({ projectId: r.project_id, month: r.month, topic: r.topic, complaints: Number(r.complaints) })),
    places: places.map((r, i, all) => ({
      projectId: r.project_id, building: r.building, unit: r.unit, complaints: Number(r.complaints),
      rank: 1 + all.slice(0, i).filter((o) => o.project_id === r.project_id).length,
    })),
    causes: causes.map((r) => ({ projectId: r.project_id, cause: r.cause, content: r.content, complaints: Number(r.complaints) })),
    repeats: [...repeats.values()]
      .map((r) => {
        const cases = [...r.cases.values()].sort((x, y) => x.at.localeCompare(y.at));
        return { projectId: r.projectId, ownerRef: r.ownerRef, complaints: cases.length, first: utc(cases[0].at), last: utc(cases.at(-1)!.at), topics: [...new Set(cases.map((c) => c.topic).filter(Boolean))] };
      })
      .sort((a, b) => a.projectId.localeCompare(b.projectId) || b.complaints - a.complaints || a.ownerRef.localeCompare(b.ownerRef)),
  };
}
