import { DateTime, Info, type Zone } from 'luxon';
import { KPIS, maskFreeText, type KpiValue, type VisitRow } from '@service-ledger/analytics';
import { CODE_LABELS as VALUE_LABELS } from '@service-ledger/core';
import { clockDefinitions } from '@service-ledger/sla';
import type { KpiExport } from './kpi-export';

/** How a cell is shown: the workbook's number format, and the CSV's text (rates to 4 decimals, money in yuan). */
export type CellFormat = 'text' | 'int' | 'rate' | 'yuan' | 'hours' | 'score';
export interface Column {
  key: string;
  zh: string;
  en: string;
  /** Width in characters in the workbook (the sheet is scaled to one page wide when printed). */
  width: number;
  format?: CellFormat | ((row: Row) => CellFormat);
  /** Shown in the CSV only (the workbook has one sheet per project, titled with it). */
  csvOnly?: boolean;
}
export type Row = Record<string, unknown>;
/** One table: one CSV file (`key`), one workbook sheet — or one per project when `perProject`. */
export interface Table {
  key: string;
  zh: string;
  en: string;
  columns: Column[];
  rows: Row[];
  perProject?: boolean;
}

/** A code with its Chinese and English names ("急修 Urgent"); unknown codes as they are. */
export const bilingual = (code: string): string => (VALUE_LABELS[code] ? `${VALUE_LABELS[code].zh} ${VALUE_LABELS[code].en}` : code);
/** Fees are stored in fen (分); reports show yuan. */
export const yuan = (fen: number): number => Math.round(fen) / 100;
/** An instant in a zone, to the minute (no seconds or milliseconds: what a clerk reads). */
export function localTime(utc: string | null, zone: string): string {
  if (!utc) return '';
  const ms = UTC_INSTANT.test(utc) ? Date.parse(utc) : NaN;
  // Date.parse rolls a 30 February or a 24:00 over to the next day where luxon refuses it: only exact round trips.
  const offset = !Number.isNaN(ms) && sameMinute(utc, ms) ? offsetOf(zone, ms) : null;
  if (offset === null) return DateTime.fromISO(utc, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm');
  const t = new Date(ms + offset * 60_000);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
}
/** The instants the projections give (`2026-10-05T03:04:05.123Z`); anything else takes luxon's path. */
const UTC_INSTANT = /^[12]\d{3}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?Z$/;
/**
 * Whether a text of UTC_INSTANT's shape names the minute of the instant Date.parse read from it: its date and time are
 * in range (no 30 February, no 24:00) and Date.UTC of them is that minute. The same test as writing the instant out
 * with toISOString and comparing the first 16 characters, without a Date and two strings per cell (issue 20, P6: the
 * workbook formats ≈ 100 000 times at 200 projects).
 */
function sameMinute(utc: string, ms: number): boolean {
  const digits = (at: number, n: number) => {
    let v = 0;
    for (let i = at; i < at + n; i++) v = v * 10 + utc.charCodeAt(i) - 48;
    return v;
  };
  const year = digits(0, 4);
  const month = digits(5, 2);
  const day = digits(8, 2);
  const hour = digits(11, 2);
  const minute = digits(14, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1];
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59) return false;
  return Date.UTC(year, month - 1, day, hour, minute) === Math.floor(ms / 60_000) * 60_000;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const HOUR = 3_600_000;
const offsets = new Map<string, { zone: Zone; byHour: Map<number, number | null> } | null>();
/**
 * A zone's UTC offset in minutes at an instant, kept per zone and UTC hour: an export formats tens of thousands of
 * times in a handful of zones, and asking the zone each time (Intl, through luxon) was a tenth of the workbook's
 * time. An hour whose start and end differ holds a change of offset: its instants are asked one by one. Null for a
 * zone luxon does not know as a valid zone (the caller then gives luxon's own answer).
 */
function offsetOf(name: string, ms: number): number | null {
  let zone = offsets.get(name);
  if (zone === undefined) {
    const z = Info.normalizeZone(name);
    offsets.set(name, (zone = z.isValid ? { zone: z, byHour: new Map() } : null));
  }
  if (zone === null) return null;
  const hour = Math.floor(ms / HOUR);
  let offset = zone.byHour.get(hour);
  if (offset === undefined) {
    const first = zone.zone.offset(hour * HOUR);
    offset = first === zone.zone.offset(hour * HOUR + HOUR - 1) ? first : null;
    zone.byHour.set(hour, offset);
  }
  return offset ?? zone.zone.offset(ms);
}

const CASE_PREFIX: Record<string, string> = { complaint: 'TS', repair: 'BX', help_request: 'QZ', courtesy_visit: 'ZF' };
/**
 * A case reference a person can read out and search for: type (TS 投诉, BX 报修, QZ 求助, ZF 走访), project and the
 * first 8 characters of the case id (`BX-P03-3F9A2C1B`); the full id stays in the API.
 */
export const caseRef = (caseType: string, projectId: string, caseId: string): string =>
  `${CASE_PREFIX[caseType] ?? 'AJ'}-${projectId}-${caseId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;

const kpiFormat = (k: Pick<KpiValue, 'kind'>): CellFormat => (k.kind === 'rate' ? 'rate' : k.kind === 'amount' ? 'yuan' : 'int');
const kpiCells = (k: KpiValue) => ({
  kpi: `${k.zh}\n${k.en.replace(' (fen)', '')}`, id: k.id, kind: k.kind,
  numerator: k.kind === 'amount' ? yuan(k.numerator) : k.numerator,
  denominator: k.kind === 'count' ? null : k.denominator,
  result: k.kind === 'rate' ? k.rate : k.kind === 'amount' ? yuan(k.numerator) : k.numerator,
});
const numeratorFormat = (r: Row): CellFormat => (r.kind === 'amount' ? 'yuan' : 'int');
const resultFormat = (r: Row): CellFormat => kpiFormat(r as { kind: KpiValue['kind'] });

const DIMENSION_LABELS: Record<string, string> = {
  project: '项目 Project', person: '责任人 Person', department: '部门 Department', clock: '时限 Clock', category: '维修类别 Repair category', building: '楼栋 Building',
};

/** The follow-up visits behind satisfaction per person (回访明细), remarks masked. */
export function visitsTable(visits: VisitRow[], zone: (projectId: string) => string): Table {
  return {
    key: 'visits', zh: '回访明细', en: 'Visits',
    columns: [
      { key: 'projectId', zh: '项目', en: 'Project', width: 9 },
      { key: 'person', zh: '责任人', en: 'Person', width: 27 },
      { key: 'ref', zh: '单号', en: 'Case', width: 19 },
      { key: 'caseType', zh: '类型', en: 'Type', width: 14 },
      { key: 'visitedAt', zh: '回访时间', en: 'Visited', width: 17 },
      { key: 'method', zh: '方式', en: 'Method', width: 14 },
      { key: 'satisfied', zh: '满意', en: 'Satisfied', width: 12 },
      { key: 'remarks', zh: '意见（已脱敏）', en: 'Remarks (masked)', width: 44 },
    ],
    rows: visits.map((v) => ({
      projectId: v.projectId, person: v.responsibleName ? `${v.responsibleName} (${v.responsibleId})` : v.responsibleId, ref: caseRef(v.caseType, v.projectId, v.caseId),
      caseType: bilingual(v.caseType), visitedAt: localTime(v.visitedAt, zone(v.projectId)), method: bilingual(v.method), satisfied: v.satisfied ? '满意 yes' : '不满意 no',
      remarks: maskFreeText(v.remarks),
    })),
  };
}

/**
 * A table with the fields of the export it is made from. The workbook writes a table's sheets as soon as those fields
 * have arrived, while chDB still answers the queries behind the later ones (`writeWorkbook`); the type lets a table
 * read only the fields it names.
 */
export interface TableSource<K extends keyof KpiExport = keyof KpiExport> {
  needs: readonly K[];
  table: (e: Pick<KpiExport, K>) => Table;
}
const source = <K extends keyof KpiExport>(needs: readonly K[], table: (e: Pick<KpiExport, K>) => Table): TableSource => ({ needs, table });

/** Local time of each project (the export's zone for one without its own). */
const ZONE = ['projects', 'timeZone'] as const;
function zoneOf(e: Pick<KpiExport, (typeof ZONE)[number]>): (projectId: string) => string {
  const zones = new Map(e.projects.map((p) => [p.projectId, p.timeZone]));
  return (projectId) => zones.get(projectId) ?? e.timeZone;
}
const project = { key: 'projectId', zh: '项目', en: 'Project', width: 9 };
const person = (id: string, name: string) => (name ? `${name} (${id})` : id);

/** The tables of an export in sheet order, shared by the workbook and the CSV files. */
export const TABLE_SOURCES: readonly TableSource[] = [
  source(['projects', 'companyKpis'], (e): Table => ({
    key: 'company', zh: '全公司', en: 'Company',
    columns: [
      { key: 'kpi', zh: '指标', en: 'KPI', width: 30 },
      { key: 'numerator', zh: '分子', en: 'Numerator', width: 12, format: numeratorFormat },
      { key: 'denominator', zh: '分母', en: 'Denominator', width: 12, format: 'int' },
      { key: 'result', zh: '全公司', en: 'Company', width: 12, format: resultFormat },
      ...e.projects.map((p) => ({ key: `p_${p.projectId}`, zh: p.projectId, en: '', width: 11, format: resultFormat })),
    ],
    rows: e.companyKpis.map((k, i) => ({
      ...kpiCells(k),
      ...Object.fromEntries(e.projects.map((p) => [`p_${p.projectId}`, kpiCells(p.kpis[i]).result])),
    })),
  })),
  source(['projects'], (e): Table => ({
    key: 'summary', zh: '汇总', en: 'Summary', perProject: true,
    columns: [
      { ...project, csvOnly: true },
      { key: 'kpi', zh: '指标', en: 'KPI', width: 40 },
      { key: 'id', zh: '编号', en: 'Id', width: 30, csvOnly: true },
      { key: 'numerator', zh: '分子', en: 'Numerator', width: 14, format: numeratorFormat },
      { key: 'denominator', zh: '分母', en: 'Denominator', width: 14, format: 'int' },
      { key: 'result', zh: '结果', en: 'Result', width: 14, format: resultFormat },
    ],
    rows: e.projects.flatMap((p) => p.kpis.map((k) => ({ projectId: p.projectId, ...kpiCells(k) }))),
  })),
  source(['staff'], (e): Table => ({
    key: 'staff', zh: '员工', en: 'Staff',
    columns: [
      project,
      { key: 'person', zh: '姓名（工号）', en: 'Name (staff id)', width: 24 },
      { key: 'role', zh: '岗位', en: 'Role', width: 20 },
      { key: 'department', zh: '部门', en: 'Department', width: 20 },
      { key: 'firstResponderJobs', zh: '首问受理', en: 'First-responder jobs', width: 12, format: 'int' },
      { key: 'handled', zh: '处理', en: 'Handled', width: 9, format: 'int' },
      { key: 'onTimeRate', zh: '及时率', en: 'On-time rate', width: 10, format: 'rate' },
      { key: 'satisfactionRate', zh: '满意率', en: 'Satisfaction rate', width: 12, format: 'rate' },
      { key: 'reworks', zh: '返修', en: 'Reworks', width: 9, format: 'int' },
      { key: 'score', zh: '综合得分', en: 'Score', width: 10, format: 'score' },
      { key: 'rank', zh: '排名', en: 'Rank', width: 7, format: 'int' },
      // The policy change the score's weights come from (the definitions sheet lists each project's weights).
      { key: 'weightsFrom', zh: '权重版本', en: 'Weights from', width: 14 },
    ],
    rows: e.staff.map((s) => ({ ...s, person: person(s.staffId, s.name), role: bilingual(s.role), department: bilingual(s.department) })),
  })),
  source(['breaches', ...ZONE], (e): Table => {
    const zone = zoneOf(e);
    return {
      key: 'breaches', zh: '超时明细', en: 'Breaches',
      columns: [
        project,
        { key: 'ref', zh: '单号', en: 'Case', width: 19 },
        { key: 'clock', zh: '时限', en: 'Clock', width: 30 },
        { key: 'category', zh: '类别', en: 'Category', width: 16 },
        { key: 'building', zh: '楼栋', en: 'Building', width: 9 },
        { key: 'responsible', zh: '责任人', en: 'Responsible', width: 27 },
        { key: 'department', zh: '部门', en: 'Department', width: 20 },
        { key: 'deadline', zh: '截止时间', en: 'Deadline', width: 17 },
        { key: 'metAt', zh: '完成时间', en: 'Met at', width: 17 },
        { key: 'open', zh: '未完成', en: 'Still open', width: 9 },
        { key: 'hoursOver', zh: '超时（小时）', en: 'Hours over', width: 11, format: 'hours' },
      ],
      rows: e.breaches.map((b) => ({
        projectId: b.projectId, ref: b.caseNumber || caseRef(b.caseType, b.projectId, b.caseId), clock: bilingual(b.clock), category: b.category ? bilingual(b.category) : '',
        building: b.building, responsible: person(b.responsibleId, b.responsibleName), department: bilingual(b.department),
        deadline: localTime(b.deadline, zone(b.projectId)), metAt: localTime(b.metAt, zone(b.projectId)), open: b.open ? '是 yes' : '否 no',
        hoursOver: Math.round((b.overSeconds / 3600) * 100) / 100,
      })),
    };
  }),
  source(['breachGroups'], (e): Table => ({
    key: 'breach_report', zh: '超时分析', en: 'Breach report',
    columns: [
      project,
      { key: 'dimension', zh: '维度', en: 'By', width: 20 },
      { key: 'value', zh: '分组', en: 'Group', width: 32 },
      { key: 'breaches', zh: '超时数', en: 'Breaches', width: 10, format: 'int' },
      { key: 'decided', zh: '到期数', en: 'Clocks due', width: 10, format: 'int' },
      { key: 'rate', zh: '超时率', en: 'Breach %', width: 10, format: 'rate' },
      { key: 'avgHoursOver', zh: '平均超时（小时）', en: 'Avg hours over', width: 14, format: 'hours' },
      { key: 'maxHoursOver', zh: '最长超时（小时）', en: 'Max hours over', width: 14, format: 'hours' },
    ],
    rows: e.breachGroups.map((g) => ({
      ...g, dimension: DIMENSION_LABELS[g.dimension] ?? g.dimension,
      value: g.dimension === 'person' ? person(g.key, g.name) : g.dimension === 'building' || g.dimension === 'project' ? g.key : bilingual(g.key),
    })),
  })),
  source(['satisfaction'], (e): Table => ({
    key: 'satisfaction', zh: '满意度', en: 'Satisfaction',
    columns: [
      project,
      { key: 'person', zh: '责任人', en: 'Person', width: 24 },
      { key: 'role', zh: '岗位', en: 'Role', width: 20 },
      { key: 'department', zh: '部门', en: 'Department', width: 20 },
      { key: 'satisfied', zh: '满意', en: 'Satisfied', width: 10, format: 'int' },
      { key: 'visited', zh: '回访', en: 'Visited', width: 10, format: 'int' },
      { key: 'rate', zh: '满意率', en: 'Satisfaction rate', width: 12, format: 'rate' },
    ],
    rows: e.satisfaction.people.map((p) => ({ ...p, person: person(p.staffId, p.name), role: bilingual(p.role), department: bilingual(p.department) })),
  })),
  source(['satisfaction', ...ZONE], (e) => visitsTable(e.satisfaction.visits, zoneOf(e))),
  source(['complaints'], (e): Table => ({
    key: 'complaint_topics', zh: '投诉话题', en: 'Complaint topics',
    columns: [project, { key: 'month', zh: '月份', en: 'Month', width: 10 }, { key: 'topic', zh: '话题', en: 'Topic', width: 24 }, { key: 'complaints', zh: '投诉量', en: 'Complaints', width: 12, format: 'int' }],
    rows: e.complaints.topicsByMonth.map((t) => ({ ...t, topic: bilingual(t.topic) })),
  })),
  source(['complaints'], (e): Table => ({
    key: 'complaint_places', zh: '投诉楼栋', en: 'Complaint places',
    columns: [
      project, { key: 'rank', zh: '排名', en: 'Rank', width: 7, format: 'int' }, { key: 'building', zh: '楼栋', en: 'Building', width: 10 },
      { key: 'unit', zh: '房号', en: 'Unit', width: 16 }, { key: 'complaints', zh: '投诉量', en: 'Complaints', width: 12, format: 'int' },
    ],
    rows: e.complaints.places.map((p) => ({ ...p, unit: p.unit || '共用部位 common parts' })),
  })),
  source(['complaints'], (e): Table => ({
    key: 'complaint_causes', zh: '投诉原因', en: 'Complaint causes',
    columns: [project, { key: 'cause', zh: '原因', en: 'Cause', width: 22 }, { key: 'content', zh: '内容', en: 'Content', width: 26 }, { key: 'complaints', zh: '投诉量', en: 'Complaints', width: 12, format: 'int' }],
    rows: e.complaints.causes.map((c) => ({ ...c, cause: c.cause ? bilingual(c.cause) : '未调查 not investigated', content: c.content ? bilingual(c.content) : bilingual('unclassified') })),
  })),
  source(['complaints', ...ZONE], (e): Table => {
    const zone = zoneOf(e);
    return {
      key: 'repeat_complainants', zh: '重复投诉', en: 'Repeat complainants',
      columns: [
        project, { key: 'ownerRef', zh: '业主编号（化名）', en: 'Owner ref (pseudonymous)', width: 22 }, { key: 'complaints', zh: '90天内投诉', en: 'Complaints in 90 days', width: 14, format: 'int' },
        { key: 'first', zh: '首次', en: 'First', width: 17 }, { key: 'last', zh: '最近', en: 'Last', width: 17 }, { key: 'topics', zh: '话题', en: 'Topics', width: 36 },
      ],
      rows: e.complaints.repeats.map((r) => ({ ...r, first: localTime(r.first, zone(r.projectId)), last: localTime(r.last, zone(r.projectId)), topics: r.topics.map(bilingual).join('、') })),
    };
  }),
  source(['month', 'weights', 'policies', 'anchor', 'sourcePosition', 'generatedAt', 'changedAfterCloseAt', ...ZONE], (e): Table => ({
    key: 'definitions', zh: '定义', en: 'Definitions',
    columns: [
      { key: 'name', zh: '指标', en: 'KPI', width: 30 },
      { key: 'numerator', zh: '分子', en: 'Numerator', width: 48 },
      { key: 'denominator', zh: '分母', en: 'Denominator', width: 40 },
      { key: 'month', zh: '归属月份', en: 'Month of', width: 14 },
      { key: 'id', zh: '编号', en: 'Id', width: 26 },
    ],
    rows: [
      ...KPIS.map((k) => ({ id: k.id, name: `${k.zh}\n${k.en}`, numerator: k.numerator, denominator: k.denominator, month: k.month })),
      ...Object.entries(clockDefinitions).map(([id, c]) => ({ id, name: bilingual(id), numerator: `starts: ${c.starts}; stops: ${c.stops}`, denominator: `limit: ${c.limit} (${c.time})`, month: 'deadline' })),
      { id: 'breach_report', name: '超时分析\nBreach report', numerator: 'clocks breached (met late, or still running past the deadline); time over up to the month end for open ones', denominator: 'clocks due in the month: met, breached or running past the deadline', month: 'deadline' },
      { id: 'satisfaction_person', name: '个人满意率\nSatisfaction per person', numerator: 'satisfied follow-up visits on cases the person answers for (handler or technician); every visit counts, also an unsatisfied one on a complaint reopened later', denominator: 'follow-up visits on those cases', month: 'visit' },
      { id: 'repeat_complainant', name: '重复投诉\nRepeat complainant', numerator: 'an owner ref (pseudonymous) with a complaint in the month and another in the same project within 90 days before it', denominator: '—', month: 'receipt' },
      { id: 'case_ref', name: '单号\nCase reference', numerator: 'TS 投诉 complaint, BX 报修 repair, QZ 求助 help request, ZF 走访 visit; then project and the first 8 characters of the case id', denominator: '—', month: '—' },
      ...e.weights.map(({ projectId, weights: w }) => ({
        id: `staff_score ${projectId}`, name: '综合得分\nComposite score',
        numerator: `${w.onTime} × on-time rate + ${w.satisfaction} × satisfaction rate + ${w.volume} × handled ÷ most handled in the project − ${w.reworkPenalty} × reworks (floor 0)`,
        denominator: 'on-time counts each clock for who answers for it (first reply: first responder; promised reply: responsible handler; arrival and fix: technician; assessment: assessor; follow-up: visitor); ranked per project, ties share a rank',
        month: 'closure / receipt',
      })),
      ...(e.policies.length
        ? e.policies.map((c) => ({ id: `policy ${c.id}`, name: '政策版本\nPolicy version', numerator: c.summary, denominator: `effective ${c.effectiveFrom}; set by ${c.setBy} at ${c.recordedAt}: ${c.reason}`, month: 'clocks started from its effective instant' }))
        : [{ id: 'policy default', name: '政策版本\nPolicy version', numerator: 'built-in defaults (no policy change recorded): Monday–Friday 08:30–12:00 and 13:30–17:30, domain SLA limits, weights 40/40/20/−5', denominator: '—', month: e.month }]),
      { id: 'times', name: '时间\nTimes', numerator: `local time of each project (${[...new Set(e.projects.map((p) => p.timeZone))].join(', ') || e.timeZone}), to the minute; money in yuan (元)`, denominator: '—', month: '—' },
      ...(e.anchor ? [{ id: 'anchor', name: '审计锚点\nAudit anchor', numerator: `${e.anchor.position}:${e.anchor.digest}`, denominator: 'keep this line outside the system; `service-ledger audit verify --anchor <it>` later proves the history up to it is unchanged', month: e.month }] : []),
      ...(e.anchor?.checkpoint ? [{ id: 'checkpoint', name: '签名检查点\nSigned checkpoint', numerator: `#${e.anchor.checkpoint.seq} at ${e.anchor.checkpoint.position}:${e.anchor.checkpoint.logHash}, sealed ${e.anchor.checkpoint.sealedAt}, key ${e.anchor.checkpoint.keyId ?? 'none (unsigned)'}`, denominator: `Ed25519 signature: ${e.anchor.checkpoint.signature ?? '—'}`, month: e.month }] : []),
      { id: 'source', name: '数据来源\nSource', numerator: `event-store position ${e.sourcePosition}; generated ${localTime(e.generatedAt, e.timeZone)} (${e.timeZone})`, denominator: e.changedAfterCloseAt ? `data about ${e.month} last changed after the month closed at ${localTime(e.changedAfterCloseAt, e.timeZone)}` : `no late entries after ${e.month} closed`, month: e.month },
    ],
  })),
];

/** The tables of an export, shared by the workbook and the CSV files. */
export function exportTables(e: KpiExport): Table[] {
  return TABLE_SOURCES.map((s) => s.table(e));
}
