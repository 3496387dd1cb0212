import { DateTime } from 'luxon';
import ExcelJS from 'exceljs';
import { type Analytics, KPIS, type KpiValue, parseMonth, runKpisByProject, staffScorecard, type StaffScore } from '@service-ledger/analytics';
import { clockDefinitions } from '@service-ledger/sla';
import { ValidationError } from '@service-ledger/core';

export interface ExportRequest {
  month: string;
  project?: string;
  timeZone?: string;
  /** For the "future month" check; defaults to now. */
  now?: Date;
  /** The audit's global digest at build time (`audit verify` head), printed so it can be kept outside the system. */
  anchor?: { position: string; digest: string };
}

export interface Breach {
  case_id: string;
  /** Readable number ('' for cases opened before numbering). */
  case_number: string;
  case_type: string;
  project_id: string;
  clock: string;
  deadline_utc: string;
  met_at_utc: string | null;
  breach_hours: number;
  open: number;
}

export interface KpiExport {
  month: string;
  projects: { projectId: string; name: string; kpis: KpiValue[] }[];
  staff: StaffScore[];
  breaches: Breach[];
  /** Global position of the last event the projections had applied when the export was built. */
  sourcePosition: string;
  generatedAt: string;
  /** Latest time an event about this month was recorded after the month closed (late entries), if any. */
  changedAfterCloseAt: string | null;
  anchor: { position: string; digest: string } | null;
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
  const projects = await db.query<{ project_id: string; name: string }>(
    "SELECT project_id, name FROM {{projects}} FINAL WHERE ({p:String} = '' OR project_id = {p:String}) ORDER BY project_id",
    { p: req.project ?? '' },
  );
  // One grouped pass for all projects: the KPI set per project would be ~20 queries × every project.
  const kpis = await runKpisByProject(db, { month: req.month, project: req.project, timeZone: tz });
  const perProject = projects.map((p) => ({ projectId: p.project_id, name: p.name, kpis: kpis.project(p.project_id) }));
  const staff = await staffScorecard(db, { month: req.month, project: req.project, timeZone: tz });
  const breaches = await db.query<Breach>(
    `SELECT case_id, case_number, case_type, project_id, clock, toString(deadline) AS deadline_utc, if(met_at IS NULL, NULL, toString(met_at)) AS met_at_utc,
        round(if(met_at IS NULL, greatest(0, dateDiff('second', deadline, least(now64(3), toDateTime64(addMonths(toStartOfMonth(toDate(concat(toString({month:UInt32}), '01'))), 1), 3, {tz:String})))), breach_seconds) / 3600, 2) AS breach_hours,
        if(met_at IS NULL, 1, 0) AS open
     FROM {{sla_clocks}} FINAL
     WHERE toYYYYMM(deadline, {tz:String}) = {month:UInt32} AND ({p:String} = '' OR project_id = {p:String})
       AND (status = 'breached' OR (status = 'running' AND paused = 0 AND deadline < now64(3)))
     ORDER BY project_id, deadline, case_id, clock`,
    { month, tz, p: req.project ?? '' },
  );
  const [meta] = await db.query<{ position: string; late: string | null }>(
    `SELECT toString(max(position)) AS position,
        if(countIf(toYYYYMM(occurred_at, {tz:String}) = {month:UInt32} AND toYYYYMM(recorded_at, {tz:String}) > {month:UInt32}) = 0, NULL,
           toString(maxIf(recorded_at, toYYYYMM(occurred_at, {tz:String}) = {month:UInt32} AND toYYYYMM(recorded_at, {tz:String}) > {month:UInt32}))) AS late
     FROM {{events}} FINAL`,
    { month, tz },
  );
  return {
    month: req.month,
    projects: perProject,
    staff,
    breaches: breaches.map((b) => ({ ...b, breach_hours: Number(b.breach_hours), open: Number(b.open) })),
    sourcePosition: meta?.position ?? '0',
    generatedAt: new Date().toISOString(),
    changedAfterCloseAt: meta?.late ? `${meta.late.replace(' ', 'T')}Z` : null,
    anchor: req.anchor ?? null,
  };
}

/** Column headers: Chinese with the English beside it. */
const H = (zh: string, en: string) => `${zh} ${en}`;

type Sheet = { name: string; columns: { header: string; key: string; width: number; numFmt?: string }[]; rows: Record<string, unknown>[] };

/** The sheets of an export, shared by the workbook and the CSV files. */
export function exportSheets(e: KpiExport): Sheet[] {
  const kpiColumns = [
    { header: H('指标', 'KPI'), key: 'kpi', width: 30 },
    { header: H('编号', 'Id'), key: 'id', width: 32 },
    { header: H('分子', 'Numerator'), key: 'numerator', width: 14, numFmt: '#,##0' },
    { header: H('分母', 'Denominator'), key: 'denominator', width: 16, numFmt: '#,##0' },
    { header: H('比率', 'Rate'), key: 'rate', width: 12, numFmt: '0.0%' },
  ];
  const summaries: Sheet[] = e.projects.map((p) => ({
    name: `汇总 ${p.projectId}`.slice(0, 31),
    columns: kpiColumns,
    rows: p.kpis.map((k) => ({ kpi: `${k.zh} ${k.en}`, id: k.id, numerator: k.numerator, denominator: k.kind === 'rate' ? k.denominator : null, rate: k.rate })),
  }));
  const staff: Sheet = {
    name: '员工 Staff',
    columns: [
      { header: H('项目', 'Project'), key: 'projectId', width: 10 },
      { header: H('工号', 'Staff id'), key: 'staffId', width: 26 },
      { header: H('姓名', 'Name'), key: 'name', width: 12 },
      { header: H('岗位', 'Role'), key: 'role', width: 22 },
      { header: H('首问受理', 'First-responder jobs'), key: 'firstResponderJobs', width: 16, numFmt: '#,##0' },
      { header: H('处理', 'Handled'), key: 'handled', width: 12, numFmt: '#,##0' },
      { header: H('及时率', 'On-time rate'), key: 'onTimeRate', width: 14, numFmt: '0.0%' },
      { header: H('满意率', 'Satisfaction rate'), key: 'satisfactionRate', width: 16, numFmt: '0.0%' },
      { header: H('返修', 'Reworks attributed'), key: 'reworks', width: 16, numFmt: '#,##0' },
      { header: H('综合得分', 'Composite score'), key: 'score', width: 16, numFmt: '0.00' },
      { header: H('排名', 'Rank'), key: 'rank', width: 10, numFmt: '0' },
    ],
    rows: e.staff.map((s) => ({ ...s })),
  };
  const breaches: Sheet = {
    name: '超时 Breaches',
    columns: [
      { header: H('项目', 'Project'), key: 'project_id', width: 10 },
      { header: H('案件编号', 'Case number'), key: 'case_number', width: 18 },
      { header: H('案件', 'Case'), key: 'case_id', width: 38 },
      { header: H('类型', 'Case type'), key: 'case_type', width: 14 },
      { header: H('时限', 'Clock'), key: 'clock', width: 26 },
      { header: H('截止时间 (UTC)', 'Deadline (UTC)'), key: 'deadline_utc', width: 24 },
      { header: H('完成时间 (UTC)', 'Met at (UTC)'), key: 'met_at_utc', width: 24 },
      { header: H('未完成', 'Still open'), key: 'open', width: 10 },
      { header: H('超时（小时）', 'Hours over'), key: 'breach_hours', width: 14, numFmt: '0.00' },
    ],
    rows: e.breaches.map((b) => ({ ...b, met_at_utc: b.met_at_utc ?? '', open: b.open ? '是 yes' : '否 no' })),
  };
  const definitions: Sheet = {
    name: '定义 Definitions',
    columns: [
      { header: H('编号', 'Id'), key: 'id', width: 32 },
      { header: H('指标', 'KPI'), key: 'name', width: 34 },
      { header: H('分子', 'Numerator'), key: 'numerator', width: 60 },
      { header: H('分母', 'Denominator'), key: 'denominator', width: 60 },
      { header: H('归属月份', 'Month of'), key: 'month', width: 18 },
    ],
    rows: [
      ...KPIS.map((k) => ({ id: k.id, name: `${k.zh} ${k.en}`, numerator: k.numerator, denominator: k.denominator, month: k.month })),
      ...Object.entries(clockDefinitions).map(([id, c]) => ({ id, name: 'SLA clock', numerator: `starts: ${c.starts}; stops: ${c.stops}`, denominator: `limit: ${c.limit} (${c.time})`, month: 'deadline' })),
      { id: 'staff_score', name: '综合得分 Composite score', numerator: '40 × on-time rate + 40 × satisfaction rate + 20 × handled ÷ most handled in the project − 5 × reworks (floor 0)', denominator: 'ranked per project; ties share a rank', month: 'closure / receipt' },
      ...(e.anchor ? [{ id: 'anchor', name: '审计锚点 Audit anchor', numerator: `${e.anchor.position}:${e.anchor.digest}`, denominator: 'keep this line outside the system; `service-ledger audit verify --anchor <it>` later proves the history up to it is unchanged', month: e.month }] : []),
      { id: 'source', name: '数据来源 Source', numerator: `event-store position ${e.sourcePosition}; generated ${e.generatedAt}`, denominator: e.changedAfterCloseAt ? `data about ${e.month} last changed after the month closed at ${e.changedAfterCloseAt}` : `no late entries after ${e.month} closed`, month: e.month },
    ],
  };
  return [...summaries, staff, breaches, definitions];
}

/** The workbook: frozen header rows, number formats and widths that fit; metadata in the workbook properties. */
export async function toWorkbook(e: KpiExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Service Ledger';
  // Fixed dates keep the file a function of its figures (generatedAt is recorded in the Definitions sheet).
  wb.created = new Date(`${e.month}-01T00:00:00Z`);
  wb.modified = wb.created;
  wb.subject = `KPI ${e.month}`;
  wb.keywords = `source-position:${e.sourcePosition}`;
  for (const sheet of exportSheets(e)) {
    const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.columns.map((c) => ({ header: c.header, key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
    ws.getRow(1).height = 32;
    for (const row of sheet.rows) ws.addRow(row);
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One CSV per sheet, UTF-8 with BOM so Excel on Chinese Windows reads it correctly. */
export function toCsvFiles(e: KpiExport): { name: string; content: Buffer }[] {
  return exportSheets(e).map((sheet) => {
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [sheet.columns.map((c) => cell(c.header)).join(','), ...sheet.rows.map((r) => sheet.columns.map((c) => cell(r[c.key])).join(','))];
    return { name: sheet.name, content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]) };
  });
}
