import type { Analytics } from '../client';
import { OPEN_CLOCK } from '../kpi/builder';
import { caseStreamId } from '../projections/case-rows';
import { type CaseListQuery, type ClockState, encodeCursor } from './case-list-query';

export interface CaseListRow {
  streamId: string;
  caseId: string;
  caseNumber: string | null;
  caseType: string;
  projectId: string;
  status: string;
  building: string;
  department: string;
  /** Handler or technician once assigned, else the first responder (首问负责). */
  responsibleId: string;
  responsibleName: string | null;
  openedAt: string;
  clockState: ClockState;
  /** The open clock the row is sorted by (the at-risk or overdue one when there is one), and its deadline. */
  clock: string | null;
  deadline: string | null;
  warningAt: string | null;
  /** Seconds to that deadline (negative once overdue). */
  timeLeftSeconds: number | null;
}

export interface CaseListPage {
  rows: CaseListRow[];
  total: number;
  nextCursor: string | null;
  asOf: string;
  /** How current the analytics tables are: the last projected event. */
  freshness: { position: string; lastEventRecordedAt: string | null };
}

const ms = (col: string) => `toUnixTimestamp64Milli(${col})`;

/**
 * One row per case with its clocks folded in. A clock is open while unmet, not cancelled and not paused; its
 * deadline is judged against `now` here, not at projection time, so a deadline passes without any event.
 * Ranks: 0 at risk (past the warning point, before the deadline), 1 overdue, 2 running, 3 paused, 4 no open clock.
 */
const CASES_WITH_CLOCKS = `
  SELECT c.case_id AS case_id, c.case_number AS case_number, c.case_type AS case_type, c.project_id AS project_id, c.status AS status,
    c.building AS building, c.department AS department, c.topic AS topic, c.content AS content,
    if(c.case_type = 'repair', if(c.technician_id != '', c.technician_id, c.first_responder_id), if(c.handler_id != '', c.handler_id, c.first_responder_id)) AS responsible_id,
    c.opened_at AS opened_at, k.at_risk AS at_risk, k.overdue AS overdue, k.running AS running, k.paused AS paused,
    k.risk_deadline AS risk_deadline, k.overdue_deadline AS overdue_deadline, k.run_deadline AS run_deadline,
    k.risk_clock AS risk_clock, k.overdue_clock AS overdue_clock, k.run_clock AS run_clock,
    k.risk_warning AS risk_warning, k.run_warning AS run_warning,
    multiIf(k.at_risk > 0, 0, k.overdue > 0, 1, k.running > 0, 2, k.paused > 0, 3, 4) AS rank
  FROM (SELECT * FROM {{cases}} FINAL WHERE (length({projects:Array(String)}) = 0 OR project_id IN {projects:Array(String)})) AS c
  LEFT JOIN (
    SELECT case_id,
      countIf(open AND warning_at <= {now:DateTime64(3)} AND deadline > {now:DateTime64(3)}) AS at_risk,
      countIf(open AND deadline <= {now:DateTime64(3)}) AS overdue,
      countIf(open AND deadline > {now:DateTime64(3)}) AS running,
      countIf(met_at IS NULL AND status = 'running' AND paused = 1) AS paused,
      minIf(deadline, open AND warning_at <= {now:DateTime64(3)} AND deadline > {now:DateTime64(3)}) AS risk_deadline,
      argMinIf(clock, deadline, open AND warning_at <= {now:DateTime64(3)} AND deadline > {now:DateTime64(3)}) AS risk_clock,
      argMinIf(warning_at, deadline, open AND warning_at <= {now:DateTime64(3)} AND deadline > {now:DateTime64(3)}) AS risk_warning,
      maxIf(deadline, open AND deadline <= {now:DateTime64(3)}) AS overdue_deadline,
      argMaxIf(clock, deadline, open AND deadline <= {now:DateTime64(3)}) AS overdue_clock,
      minIf(deadline, open AND deadline > {now:DateTime64(3)}) AS run_deadline,
      argMinIf(clock, deadline, open AND deadline > {now:DateTime64(3)}) AS run_clock,
      argMinIf(warning_at, deadline, open AND deadline > {now:DateTime64(3)}) AS run_warning
    FROM (SELECT *, ${OPEN_CLOCK} AS open FROM {{sla_clocks}} FINAL
          WHERE (length({projects:Array(String)}) = 0 OR project_id IN {projects:Array(String)}))
    GROUP BY case_id
  ) AS k ON k.case_id = c.case_id`;

const FILTERS = `
  ({type:String} = '' OR case_type = {type:String})
  AND ({status:String} = '' OR status = {status:String})
  AND ({department:String} = '' OR department = {department:String})
  AND ({building:String} = '' OR building = {building:String})
  AND ({responsible:String} = '' OR responsible_id = {responsible:String})
  AND ({state:Int8} < 0 OR rank = {state:Int8})
  AND ({from:Int64} = 0 OR ${ms('opened_at')} >= {from:Int64})
  AND ({to:Int64} = 0 OR ${ms('opened_at')} < {to:Int64})
  AND ({q:String} = '' OR startsWith(case_number, {q:String}) OR startsWith(case_id, {q:String}) OR building = {q:String}
       OR positionCaseInsensitiveUTF8(topic, {q:String}) > 0 OR positionCaseInsensitiveUTF8(content, {q:String}) > 0)`;

const STATE_RANK: Record<ClockState, number> = { at_risk: 0, breached: 1, running: 2, paused: 3, none: 4 };
const STATE_OF: ClockState[] = ['at_risk', 'breached', 'running', 'paused', 'none'];

interface Raw {
  case_id: string;
  case_number: string;
  case_type: string;
  project_id: string;
  status: string;
  building: string;
  department: string;
  responsible_id: string;
  responsible_name: string;
  opened_at: string;
  rank: number;
  sort_rank: number;
  sort_key: string;
  cursor_key: string;
  clock: string;
  deadline: string;
  warning_at: string;
}

/** The supervisors' worklist and case search, read from the analytics tables. `projects` empty = all. */
export async function listCases(db: Analytics, query: CaseListQuery, projects: string[], now: Date): Promise<CaseListPage> {
  // Sort key: deadline order ranks by clock state (time left; least overdue first), age order by opening time.
  const sortRank = query.sort === 'age' ? '0' : 'rank';
  const sortKey =
    query.sort === 'age'
      ? ms('opened_at')
      : `multiIf(rank = 0, ${ms('risk_deadline')}, rank = 1, -${ms('overdue_deadline')}, rank = 2, ${ms('run_deadline')}, ${ms('opened_at')})`;
  const params = {
    projects,
    now: now.toISOString().replace('T', ' ').replace('Z', ''),
    type: query.type,
    status: query.status,
    department: query.department,
    building: query.building,
    responsible: query.responsible,
    state: query.clockState ? STATE_RANK[query.clockState] : -1,
    from: query.from?.getTime() ?? 0,
    to: query.to?.getTime() ?? 0,
    q: query.q,
    limit: query.limit + 1,
    cRank: query.cursor?.rank ?? -1,
    cKey: query.cursor?.key ?? 0,
    cId: query.cursor?.caseId ?? '',
  };
  const filtered = `SELECT *, ${sortRank} AS sort_rank, ${sortKey} AS sort_key FROM (${CASES_WITH_CLOCKS}) WHERE ${FILTERS}`;
  const rows = await db.query<Raw>(
    `SELECT f.*, toString(f.sort_key) AS cursor_key, s.name AS responsible_name,
        multiIf(rank = 0, risk_clock, rank = 1, overdue_clock, rank = 2, run_clock, '') AS clock,
        multiIf(rank = 0, toString(risk_deadline), rank = 1, toString(overdue_deadline), rank = 2, toString(run_deadline), '') AS deadline,
        multiIf(rank = 0, toString(risk_warning), rank = 2, toString(run_warning), '') AS warning_at
     FROM (${filtered}) AS f
     LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS s ON s.staff_id = f.responsible_id
     WHERE {cRank:Int8} < 0 OR (sort_rank, sort_key, case_id) > ({cRank:Int8}, {cKey:Int64}, {cId:String})
     ORDER BY f.sort_rank, f.sort_key, f.case_id
     LIMIT {limit:UInt32}`,
    params,
  );
  const [{ total }] = await db.query<{ total: string }>(`SELECT toString(count()) AS total FROM (${filtered})`, params);
  const [fresh] = await db.query<{ position: string; at: string | null }>(
    "SELECT toString(max(position)) AS position, if(count() = 0, NULL, toString(max(recorded_at))) AS at FROM {{events}}",
  );
  const iso = (t: string) => (t ? `${t.replace(' ', 'T')}Z` : null);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => {
      const deadline = iso(r.deadline);
      return {
        streamId: caseStreamId(r.case_type, r.case_id),
        caseId: r.case_id,
        caseNumber: r.case_number || null,
        caseType: r.case_type,
        projectId: r.project_id,
        status: r.status,
        building: r.building,
        department: r.department,
        responsibleId: r.responsible_id,
        responsibleName: r.responsible_name || null,
        openedAt: iso(r.opened_at)!,
        clockState: STATE_OF[Number(r.rank)],
        clock: r.clock || null,
        deadline,
        warningAt: iso(r.warning_at),
        timeLeftSeconds: deadline ? Math.round((Date.parse(deadline) - now.getTime()) / 1000) : null,
      };
    }),
    total: Number(total),
    nextCursor: rows.length > query.limit ? encodeCursor({ rank: Number(last.sort_rank), key: Number(last.cursor_key), caseId: last.case_id }) : null,
    asOf: now.toISOString(),
    freshness: { position: fresh?.position ?? '0', lastEventRecordedAt: fresh?.at ? iso(fresh.at) : null },
  };
}
