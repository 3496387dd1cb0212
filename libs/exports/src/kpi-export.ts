import { DateTime } from 'luxon';
import {
  type Analytics, breachReport, type BreachReport, complaintAnalytics, type ComplaintAnalytics, type DecidedClock, type KpiValue, parseMonth, PROJECTION_POSITION_SQL, runKpisByProject,
  monthBounds, satisfactionByPerson, staffScorecard, type StaffScore, policyHistoryOf, versionsInMonth, weightsForMonth,
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

/** An export's figures, each as soon as the queries behind it have answered. */
export type KpiExportParts = { [K in keyof KpiExport]: Promise<KpiExport[K]> };

/**
 * Runs several readers (report functions, each a few queries one after another) so that chDB answers them in rank
 * order: one query at a time, the lowest-ranked reader still reading first, and a reader's next query before any of a
 * later one. chDB runs bound queries one after another anyway, and queries sent at once do not keep their order:
 * measured, the KPI pass (needed for the first sheet) came last. One at a time also leaves the libuv threads, which
 * chDB's queries hold while they run, to the workbook's deflate and file writes. A query's turn ends when chDB has
 * computed its answer, before JavaScript parses the rows (`Analytics.scheduled`).
 */
class QueryLine {
  private running = false;
  private readonly reading = new Set<number>();
  private readonly waiting = new Map<number, (() => void)[]>();
  constructor(private readonly db: Analytics) {}

  read<T>(rank: number, reader: (db: Analytics) => Promise<T>): Promise<T> {
    this.reading.add(rank);
    const db = this.db.scheduled(<R>(query: () => Promise<R>) => new Promise<R>((resolve, reject) => {
      const start = () => {
        this.running = true;
        query().then(resolve, reject).finally(() => {
          this.running = false;
          this.next();
        });
      };
      this.waiting.set(rank, [...(this.waiting.get(rank) ?? []), start]);
      this.next();
    }));
    return reader(db).finally(() => {
      this.reading.delete(rank);
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.reading.size === 0) return;
    const first = Math.min(...this.reading);
    const start = this.waiting.get(first)?.shift();
    start?.();
  }
}

/**
 * Checks the request, then starts every report of the export and gives each figure as it arrives, so the workbook can
 * write its first sheets while chDB still answers for the later ones (issue 20, P6: queries and workbook took about
 * 3 s each, one after the other). The reports are ranked in the order the sheets need them — KPIs, scorecard,
 * breaches, visits, complaints, the log's position last — and chDB answers them in that order.
 */
export async function startKpiExport(db: Analytics, req: ExportRequest): Promise<KpiExportParts> {
  await validateExportRequest(db, req);
  const tz = req.timeZone ?? 'Asia/Shanghai';
  const filters = { month: req.month, project: req.project, timeZone: tz };
  const line = new QueryLine(db);
  const projects = line.read(0, (r) => r.query<{ project_id: string; name: string; time_zone: string }>(
    "SELECT project_id, name, time_zone FROM {{projects}} FINAL WHERE ({p:String} = '' OR project_id = {p:String}) ORDER BY project_id",
    { p: req.project ?? '' },
  ));
  // One grouped pass for all projects: the KPI set per project would be ~20 queries × every project.
  const kpis = line.read(1, (r) => runKpisByProject(r, filters));
  const history = line.read(2, (r) => policyHistoryOf(r, tz));
  const staff = line.read(3, (r) => staffScorecard(r, filters));
  const breaches = line.read(4, (r) => breachReport(r, filters));
  const satisfaction = line.read(5, (r) => satisfactionByPerson(r, filters));
  const complaints = line.read(6, (r) => complaintAnalytics(r, filters));
  // A maximum and an "is there any" do not change when an event is stored twice: no FINAL over the whole log. The
  // position is the one panels carry (PROJECTION_POSITION_SQL): the aggregates some figures read are recomputed on a
  // cadence, so the export names the position through which they too are current, not the log's head.
  // Late entries are found by the month's first and last instants in its zone, not by each event's month in it: the
  // log is sorted by stream, so this reads every event, and comparing two instants cost about half as much CPU as
  // converting both to a local month (issue 20, P6).
  const { start, end } = monthBounds(req.month, tz);
  const meta = line
    .read(7, (r) => r.query<{ position: string; late: string | null }>(
      `SELECT at.p AS position, changed.late AS late FROM (${PROJECTION_POSITION_SQL}) AS at CROSS JOIN (
         SELECT if(count() = 0, NULL, toString(max(recorded_at))) AS late FROM {{events}}
         WHERE recorded_at > fromUnixTimestamp64Milli({end:Int64}, 'UTC')
           AND occurred_at BETWEEN fromUnixTimestamp64Milli({start:Int64}, 'UTC') AND fromUnixTimestamp64Milli({end:Int64}, 'UTC')) AS changed`,
      { start, end },
    ))
    .then(([row]) => row);
  const weightsOf = history.then((h) => weightsForMonth(h, req.month, tz));
  const parts: KpiExportParts = {
    month: Promise.resolve(req.month),
    timeZone: Promise.resolve(tz),
    companyKpis: kpis.then((k) => k.company),
    projects: Promise.all([projects, kpis]).then(([ps, k]) => ps.map((p) => ({ projectId: p.project_id, name: p.name, timeZone: p.time_zone || tz, kpis: k.project(p.project_id) }))),
    staff,
    policies: Promise.all([projects, history]).then(([ps, h]) =>
      versionsInMonth(h, req.month, ps.map((p) => p.project_id), tz).map((c) => ({ id: c.id, effectiveFrom: c.effectiveFrom, setBy: c.setBy, recordedAt: c.recordedAt, reason: c.reason, summary: changeSummary(c) })),
    ),
    weights: Promise.all([projects, weightsOf]).then(([ps, of]) => ps.map((p) => ({ projectId: p.project_id, weights: of(p.project_id) }))),
    breaches: breaches.then((b) => b.breaches),
    breachGroups: breaches.then((b) => b.groups),
    satisfaction,
    complaints,
    sourcePosition: meta.then((m) => m?.position ?? '0'),
    // When every figure is in, as when the export was built first and written after.
    generatedAt: Promise.all([projects, kpis, history, staff, breaches, satisfaction, complaints, meta]).then(() => new Date().toISOString()),
    changedAfterCloseAt: meta.then((m) => (m?.late ? `${m.late.replace(' ', 'T')}Z` : null)),
    anchor: Promise.resolve(req.anchor ?? null),
  };
  // A reader that stops at the first failure leaves the other parts unread: their failure is not unhandled.
  for (const part of Object.values(parts)) (part as Promise<unknown>).catch(() => undefined);
  return parts;
}

/** The figures of one month: a pure function of the events (through the projections) and the month's filters. */
export async function buildKpiExport(db: Analytics, req: ExportRequest): Promise<KpiExport> {
  return figuresOf(await startKpiExport(db, req));
}

/** Every figure, once all have arrived. */
export async function figuresOf(parts: KpiExportParts): Promise<KpiExport> {
  const entries = await Promise.all(Object.entries(parts).map(async ([key, part]) => [key, await part] as const));
  return Object.fromEntries(entries) as unknown as KpiExport;
}
