import type { Analytics } from '@service-ledger/analytics';

export interface AlertRow {
  alertId: string;
  route: string;
  routeKind: string;
  caseStreamId: string;
  caseNumber: string | null;
  projectId: string;
  clock: string;
  threshold: string;
  role: string;
  dueAt: string;
  raisedAt: string;
  /** pending, delivered, dead (the dead-letter list) or unrouted (no webhook configured for the project and role). */
  status: string;
  attempts: number;
  lastError: string;
}

const iso = (t: string | null) => (t ? `${t.replace(' ', 'T')}Z` : null);

/** Alerts as projected, newest first; `projects` empty = all. `status: 'dead'` is the dead-letter list. */
export async function listAlerts(db: Analytics, filter: { status?: string; projects: string[]; caseStreamId?: string; limit?: number }): Promise<AlertRow[]> {
  const rows = await db.query<Record<string, string>>(
    `SELECT alert_id, route, route_kind, case_stream_id, case_number, project_id, clock, threshold, role, toString(due_at) AS due_at,
        toString(raised_at) AS raised_at, status, attempts, last_error
     FROM {{alerts}} FINAL
     WHERE ({status:String} = '' OR status = {status:String}) AND ({stream:String} = '' OR case_stream_id = {stream:String})
       AND (length({projects:Array(String)}) = 0 OR project_id IN {projects:Array(String)})
     ORDER BY raised_at DESC, alert_id, route
     LIMIT {limit:UInt32}`,
    { status: filter.status ?? '', stream: filter.caseStreamId ?? '', projects: filter.projects, limit: filter.limit ?? 500 },
  );
  return rows.map((r) => ({
    alertId: r.alert_id, route: r.route, routeKind: r.route_kind, caseStreamId: r.case_stream_id, caseNumber: r.case_number || null, projectId: r.project_id,
    clock: r.clock, threshold: r.threshold, role: r.role, dueAt: iso(r.due_at)!, raisedAt: iso(r.raised_at)!, status: r.status, attempts: Number(r.attempts), lastError: r.last_error,
  }));
}
