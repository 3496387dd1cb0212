import { DateTime } from 'luxon';
import {
  type Analytics, breachReport, type BreachReport, complaintAnalytics, type ComplaintAnalytics, type DecidedClock, type KpiValue, parseMonth, runKpisByProject,
  satisfactionByPerson, staffScorecard, type StaffScore, policyHistoryOf, versionsInMonth, weightsForMonth,
} from '@service-ledger/analytics';
import { changeSummary, type ScoreWeights } from '@service-ledger/policies';
import { ValidationError } from '@service-ledger/core';

/** The audit anchor printed in the definitions sheet: the sealed log's head, with the signed checkpoint behind it. */
export interface ExportAnchor {
  position: string;
  digest: string;
  checkpoint?: { seq: string; position: string; logHash: string; sealedAt: string; signature: string | null; keyId: string | null };
}

export interface ExportRequest {
  month: string;
  project?: string;
  timeZone?: string;
  /** For the "future month" check; defaults to now. */
  now?: Date;
  /** The audit's global digest at build time (`audit verify` head), printed so it can be kept outside the system. */
  anchor?: ExportAnchor;
}

export interface KpiExport {
  month: string;
  /** Zone of months and of the times shown when a project has none of its own (SL_TIMEZONE). */
  timeZone: string;
  /** Every KPI over all the projects exported (the company total when no project is asked for). */
  companyKpis: KpiValue[];
  projects: { projectId: string; name: string; timeZone: string; kpis: KpiValue[] }[];
  staff: StaffScore[];
  /** Clocks breached in the month (deadline in the month), with the person and department answering for them. */
  breaches: DecidedClock[];
  breachGroups: BreachReport['groups'];
  satisfaction: Awaited<ReturnType<typeof satisfactionByPerson>>;
  complaints: ComplaintAnalytics;
  /** The policy changes in force during the month for the exported projects: every figure follows from them. */
  policies: { id: string; effectiveFrom: string; setBy: string; recordedAt: string; reason: string; summary: string }[];
  /** The score weights each project's scorecard used (the policy in force at the end of the month). */
  weights: { projectId: string; weights: ScoreWeights }[];
  /** Global position of the last event the projections had applied when the export was built. */
  sourcePosition: string;
  generatedAt: string;
  /** Latest time an event about this month was recorded after the month closed (late entries), if any. */
  changedAfterCloseAt: string | null;
  anchor: ExportAnchor | null;
}

/** Checks the month (YYYY-MM, not in the future) and the project, before anything is written. */
export async function validateExportRequest(db: Analytics, req: ExportRequest): Promise<void> {
  parseMonth(req.month);
  const zone = req.timeZone ?? 'Asia/Shanghai';
  const start = DateTime.fromISO(`${req.month}-01`, { zone });
  if (start > DateTime.fromJSDate(req.now ?? new Date(), { zone }).startOf('month')) {
    throw ValidationError.field('month', 'not_in_future', `${req.month} has not started yet`);
  }
  if (req.project) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(req.project)) throw ValidationError.field('project', 'format', 'must be 1–32 letters, digits, - or _');
    const found = await db.query('SELECT 1 FROM {{projects}} FINAL WHERE project_id = {p:String} LIMIT 1', { p: req.project });
    if (found.length === 0) throw ValidationError.field('project', 'unknown', `unknown project '${req.project}'`);
  }
}

/** The figures of one month: a pure function of the events (through the projections) and the month's filters. */
export async function buildKpiExport(db: Analytics, req: ExportRequest): Promise<KpiExport> {
  await validateExportRequest(db, req);
  const tz = req.timeZone ?? 'Asia/Shanghai';
  const month = parseMonth(req.month);
  const projects = await db.query<{ project_id: string; name: string; time_zone: string }>(
    "SELECT project_id, name, time_zone FROM {{projects}} FINAL WHERE ({p:String} = '' OR project_id = {p:String}) ORDER BY project_id",
    { p: req.project ?? '' },
  );
  // One grouped pass for all projects: the KPI set per project would be ~20 queries × every project.
  const kpis = await runKpisByProject(db, { month: req.month, project: req.project, timeZone: tz });
  const perProject = projects.map((p) => ({ projectId: p.project_id, name: p.name, timeZone: p.time_zone || tz, kpis: kpis.project(p.project_id) }));
  const history = await policyHistoryOf(db, tz);
  const weightsOf = weightsForMonth(history, req.month, tz);
  const staff = await staffScorecard(db, { month: req.month, project: req.project, timeZone: tz });
  const filters = { month: req.month, project: req.project, timeZone: tz };
  const breaches = await breachReport(db, filters);
  const satisfaction = await satisfactionByPerson(db, filters);
  const complaints = await complaintAnalytics(db, filters);
  // A maximum and an "is there any" do not change when an event is stored twice: no FINAL over the whole log.
  const [meta] = await db.query<{ position: string; late: string | null }>(
    `SELECT toString(max(position)) AS position,
        if(countIf(toYYYYMM(occurred_at, {tz:String}) = {month:UInt32} AND toYYYYMM(recorded_at, {tz:String}) > {month:UInt32}) = 0, NULL,
           toString(maxIf(recorded_at, toYYYYMM(occurred_at, {tz:String}) = {month:UInt32} AND toYYYYMM(recorded_at, {tz:String}) > {month:UInt32}))) AS late
     FROM {{events}}`,
    { month, tz },
  );
  return {
    month: req.month,
    timeZone: tz,
    companyKpis: kpis.company,
    projects: perProject,
    staff,
    policies: versionsInMonth(history, req.month, projects.map((p) => p.project_id), tz).map((c) => ({ id: c.id, effectiveFrom: c.effectiveFrom, setBy: c.setBy, recordedAt: c.recordedAt, reason: c.reason, summary: changeSummary(c) })),
    weights: projects.map((p) => ({ projectId: p.project_id, weights: weightsOf(p.project_id) })),
    breaches: breaches.breaches,
    breachGroups: breaches.groups,
    satisfaction,
    complaints,
    sourcePosition: meta?.position ?? '0',
    generatedAt: new Date().toISOString(),
    changedAfterCloseAt: meta?.late ? `${meta.late.replace(' ', 'T')}Z` : null,
    anchor: req.anchor ?? null,
  };
}

