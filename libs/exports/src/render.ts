import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { KpiExport, KpiExportParts } from './kpi-export';
import { type CellFormat, type Column, exportTables, type Row, TABLE_SOURCES, type Table } from './sheets';

export const NUM_FMT: Record<CellFormat, string | undefined> = { text: undefined, int: '#,##0', rate: '0.0%', yuan: '"¥"#,##0.00', hours: '0.00', score: '0.00' };
export const formatOf = (c: Column, row: Row): CellFormat => (typeof c.format === 'function' ? c.format(row) : (c.format ?? 'text'));
export const TITLE_ROWS = 2; // title, then the column headers
/** A4 landscape printable width at 100 % is about 150 default-font characters; wider sheets are scaled down. */
export const PAGE_CHARS = 150;

/**
 * Display width in characters of `s` from `from` to `to` (the whole text by default): CJK characters take two, and
 * so does any character outside the basic plane (its first half is in that range too). Counted by code unit, without
 * building an array of characters or a substring: every text cell of every row is measured.
 */
export function displayWidth(s: string, from = 0, to = s.length): number {
  let w = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) i++; // one character of two halves
    }
    w += c >= 0x2e80 && c <= 0xffef ? 2 : 1;
  }
  return w;
}
/**
 * Lines a wrapped text takes in a column. Row heights are set from it: LibreOffice does not grow a row imported
 * from xlsx to fit wrapped text, so a second line (the English name) would be cut off.
 */
export function linesIn(text: string, width: number): number {
  // Most cells are short: a text at most half as long as the column is wide (no character is wider than two) and without
  // a line break takes one line, unmeasured (every text cell of every row comes here).
  if (text.length * 2 <= width - 1 && !text.includes('\n')) return 1;
  // Each line measured where it lies in the text: splitting it into lines first made an array and a string per cell,
  // and most cells that come here (names with ids, case references) have no break (issue 20, P6: with sameMinute in
  // sheets.ts, the writer alone at 200 projects 2.17 → 1.87 s of CPU, medians of three runs of 5 writes, alternated).
  const perLine = Math.max(1, width - 1);
  let lines = 0;
  for (let start = 0; ; ) {
    const end = text.indexOf('\n', start);
    lines += Math.max(1, Math.ceil(displayWidth(text, start, end === -1 ? text.length : end) / perLine));
    if (end === -1) return lines;
    start = end + 1;
  }
}

export interface Sheet {
  name: string;
  title: string;
  table: Table;
  rows: Row[];
}

/** A table's sheets: a per-project table split into one sheet per project, titled with it. */
export function sheetsOf(table: Table, e: Pick<KpiExport, 'projects' | 'month'>): Sheet[] {
  const scope = e.projects.length === 1 ? `${e.projects[0].name}（${e.projects[0].projectId}）` : '全公司 All projects';
  const out: Sheet[] = [];
  if (table.perProject) {
    // Each project's rows in one pass over the table: filtering the whole table once per project went over the
    // visit list (≈ 63 000 rows at 11.4 M events) 200 times.
    const rowsOf = new Map<unknown, Row[]>(e.projects.map((p) => [p.projectId, []]));
    for (const r of table.rows) rowsOf.get(r.projectId)?.push(r);
    for (const p of e.projects) {
      out.push({ name: `${table.zh} ${p.projectId}`, title: `${p.name}（${p.projectId}）· ${table.zh} ${table.en} · ${e.month}`, table, rows: rowsOf.get(p.projectId)! });
    }
  } else if (table.key !== 'company' || e.projects.length >= 2) {
    // (one project: its summary is the total, and there is no company sheet)
    out.push({ name: `${table.zh} ${table.en}`, title: `${scope} · ${table.zh} ${table.en} · ${e.month}`, table, rows: table.rows });
  }
  return out.map((s) => ({ ...s, name: s.name.slice(0, 31) }));
}

/** Workbook sheets: the per-project tables split into one sheet per project, titled with it. */
export function workbookSheets(e: KpiExport): Sheet[] {
  return exportTables(e).flatMap((table) => sheetsOf(table, e));
}

export const PAGE_SETUP: Partial<ExcelJS.PageSetup> = {
  paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true,
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.2, footer: 0.3 },
  printTitlesRow: `1:${TITLE_ROWS}`,
};

/**
 * ExcelJS's streaming sheet writer leaves out `<printOptions>` (it writes the margins and page setup, not the
 * centring), so the element is written where the schema has it: just before the page margins.
 */
function centredOnPage(ws: ExcelJS.Worksheet): void {
  const writer = ws as unknown as { _write?(xml: string): void; _writePageMargins?(): void };
  // These are ExcelJS 4.4's private methods: should a release rename them, the workbook is still written, uncentred
  // (workbook-identity.int.spec.ts compares the print options and says so), rather than the export failing.
  if (typeof writer._write !== 'function' || typeof writer._writePageMargins !== 'function') return;
  const writeMargins = writer._writePageMargins.bind(writer);
  writer._writePageMargins = () => {
    writer._write!('<printOptions horizontalCentered="1"/>');
    writeMargins();
  };
}

/** One shared style object per number format, and one for text: ExcelJS looks a style object up once, not per cell. */
const DATA_STYLES: Record<CellFormat, Partial<ExcelJS.Style>> = Object.fromEntries(
  (Object.keys(NUM_FMT) as CellFormat[]).map((f) => [f, NUM_FMT[f] ? { numFmt: NUM_FMT[f] } : { alignment: { wrapText: true, vertical: 'top' } }]),
) as Record<CellFormat, Partial<ExcelJS.Style>>;

/** Data rows carry no style of their own; one shared empty object, for the same reason. */
const NO_ROW_STYLE: Partial<ExcelJS.Style> = Object.freeze({});

/**
 * The workbook as HR prints it: every sheet landscape A4, scaled to one page wide (fitToPage on, any number of pages
 * tall), a title row with the company or project and the month, the header rows repeated on every printed page,
 * frozen headers, bilingual column names, numbers with their formats (money in yuan, rates as %).
 *
 * Written as a stream: each row goes to the zip as soon as it is complete, so memory holds the figures, not a model
 * of every cell (200 projects made ExcelJS's in-memory workbook the largest part of the export's time and memory).
 * Given the figures as they arrive (`startKpiExport`), each table's sheets are written as soon as the fields it is made
 * from are there, in sheet order, while chDB answers for the later ones; the file is the same either way.
 */
export async function writeWorkbook(e: KpiExport | KpiExportParts, out: Writable): Promise<void> {
  const ready = async <K extends keyof KpiExport>(keys: readonly K[]): Promise<Pick<KpiExport, K>> =>
    Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await e[k]] as const))) as unknown as Pick<KpiExport, K>;
  const { month } = await ready(['month']);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  wb.creator = 'Service Ledger';
  // Fixed dates keep the file a function of its figures (generatedAt is recorded in the Definitions sheet).
  wb.created = new Date(`${month}-01T00:00:00Z`);
  wb.modified = wb.created;
  wb.subject = `KPI ${month}`;
  for (const source of TABLE_SOURCES) {
    const fields = await ready([...source.needs, 'projects', 'month']);
    for (const sheet of sheetsOf(source.table(fields as KpiExport), fields)) {
      await writeSheet(wb, sheet);
    }
  }
  // Read when the file is closed (docProps/core.xml is written last).
  wb.keywords = `source-position:${await e.sourcePosition}`;
  await wb.commit();
}

/** Rows written between two turns of the event loop: chDB's answers, the deflate and the file writes get their turn. */
const ROWS_PER_TURN = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function writeSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, sheet: Sheet): Promise<void> {
  const columns = sheet.table.columns.filter((c) => !c.csvOnly);
  const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: TITLE_ROWS }], pageSetup: PAGE_SETUP, headerFooter: { oddFooter: `&L${sheet.name}&R&P / &N` } });
  centredOnPage(ws);
  // Widen the sheet to a page when it is narrow, so that text columns wrap less and figures stay readable.
  const total = columns.reduce((a, c) => a + c.width, 0);
  const stretch = total < PAGE_CHARS * 0.7 ? (PAGE_CHARS * 0.7) / total : 1;
  const widths = columns.map((c) => Math.round(c.width * stretch * 10) / 10);
  ws.columns = columns.map((c, i) => ({ key: c.key, width: widths[i] }));
  const title = ws.getRow(1);
  title.getCell(1).value = sheet.title;
  title.font = { bold: true, size: 13 };
  title.height = 24;
  ws.mergeCells(1, 1, 1, columns.length);
  const header = ws.getRow(2);
  columns.forEach((c, i) => (header.getCell(i + 1).value = c.en ? `${c.zh}\n${c.en}` : c.zh));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  header.height = 15 * Math.max(2, ...columns.map((c, i) => linesIn(c.en ? `${c.zh}\n${c.en}` : c.zh, widths[i])));
  header.commit();
  const data = dataRows(wb, ws, columns, widths);
  for (let i = 0; i < sheet.rows.length; i++) {
    data.add(sheet.rows[i], TITLE_ROWS + 1 + i);
    if ((i + 1) % ROWS_PER_TURN === 0) {
      data.flush();
      await nextTurn();
    }
  }
  data.flush();
  ws.autoFilter = { from: { row: TITLE_ROWS, column: 1 }, to: { row: TITLE_ROWS, column: columns.length } };
  ws.commit();
  await nextTurn();
}

/**
 * ExcelJS's streaming sheet writer, as far as `dataRows` uses it: 4.4's private stream and row counter. package.json pins
 * exceljs to exactly 4.4.0 for this; workbook-identity.int.spec.ts tells whether another version still writes the same.
 */
interface SheetWriterInternals {
  stream: { write(xml: string): unknown };
  _rowZero: number;
  _rows: unknown[];
  startedData: boolean;
}
interface WorkbookInternals {
  styles: { addStyleModel(style: Partial<ExcelJS.Style>, type: ExcelJS.ValueType): number };
  sharedStrings: { add(text: string): number };
}

/** Spreadsheet column letters of column 1, 2 … n (A … Z, AA …). */
function columnLetters(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    let s = '';
    for (let c = i + 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
    return s;
  });
}

/**
 * The data rows' XML, made here rather than by ExcelJS's row and cell objects (issue 20, P6: those objects — a Row,
 * a Cell and a value per cell, each turned into a model, prepared and rendered — were most of the workbook's time for
 * 200 projects). Each row is what ExcelJS 4.4 writes for it: the same style ids, taken from ExcelJS's style registry
 * with the cell's value type as it would, the same shared-string indices from its table, the same attributes. A row
 * holding another kind of value (a boolean, a date …) is left to ExcelJS itself. workbook-identity.int.spec.ts reads
 * the file back and compares every cell and style with the reference writer.
 */
function dataRows(wb: ExcelJS.stream.xlsx.WorkbookWriter, ws: ExcelJS.Worksheet, columns: Column[], widths: number[]) {
  const sheetWriter = ws as unknown as SheetWriterInternals;
  const book = wb as unknown as WorkbookInternals;
  const letters = columnLetters(columns.length);
  const spans = ` spans="1:${columns.length}"`;
  const styleIds = new Map<Partial<ExcelJS.Style>, number[]>();
  const styleId = (style: Partial<ExcelJS.Style>, type: ExcelJS.ValueType) => {
    let ids = styleIds.get(style);
    if (!ids) styleIds.set(style, (ids = []));
    // ExcelJS asks its registry once per cell with the cell's type; the first type seen fixes the id (it keeps one id per
    // style object), which asking here in the same order reproduces.
    return (ids[type] ??= book.styles.addStyleModel(style, type));
  };
  const plain = (v: unknown) => v === null || v === undefined || typeof v === 'string' || typeof v === 'number';
  let batch = '';
  const flush = () => {
    if (batch) sheetWriter.stream.write(batch);
    batch = '';
  };
  return {
    /** Row `n`, after the rows added before it; written to the sheet's stream by `flush`. */
    add(row: Row, n: number): void {
      for (const c of columns) {
        if (!plain(row[c.key])) return byExcelJs(row, n);
      }
      let cells = '';
      let lines = 1;
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i];
        const value = row[c.key] as string | number | null | undefined;
        const format = formatOf(c, row);
        const style = DATA_STYLES[format];
        if (!NUM_FMT[format]) lines = Math.max(lines, linesIn(String(value ?? ''), widths[i]));
        if (value === null || value === undefined) {
          const s = styleId(style, ExcelJS.ValueType.Null);
          if (s) cells += `<c r="${letters[i]}${n}" s="${s}"/>`;
        } else if (typeof value === 'number') {
          const s = styleId(style, ExcelJS.ValueType.Number);
          cells += `<c r="${letters[i]}${n}"${s ? ` s="${s}"` : ''}><v>${value}</v></c>`;
        } else {
          const s = styleId(style, ExcelJS.ValueType.String);
          cells += `<c r="${letters[i]}${n}"${s ? ` s="${s}"` : ''} t="s"><v>${book.sharedStrings.add(value)}</v></c>`;
        }
      }
      sheetWriter._rowZero = n + 1;
      batch += `<row r="${n}" ht="${15 * lines}" customHeight="1"${spans} x14ac:dyDescent="0.25">${cells}</row>`;
    },
    flush,
  };
  /** The rows before this one written, ExcelJS writes it, as it wrote every row before. */
  function byExcelJs(row: Row, n: number): void {
    flush();
    sheetWriter._rowZero = n;
    sheetWriter._rows = [];
    const added = ws.getRow(n);
    (added as unknown as { style: Partial<ExcelJS.Style> }).style = NO_ROW_STYLE;
    let lines = 1;
    columns.forEach((c, i) => {
      const value = (row[c.key] ?? null) as ExcelJS.CellValue;
      const cell = added.getCell(i + 1);
      cell.value = value;
      const format = formatOf(c, row);
      cell.style = DATA_STYLES[format];
      if (!NUM_FMT[format]) lines = Math.max(lines, linesIn(String(value ?? ''), widths[i]));
    });
    added.height = 15 * lines;
    added.commit();
  }
}

/** The workbook in memory (the API's answer); files are streamed to disk by `writeWorkbook`. */
export async function toWorkbook(e: KpiExport | KpiExportParts): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  await writeWorkbook(e, sink);
  return Buffer.concat(chunks);
}

/** A cell as CSV text: rates to 4 decimals, yuan and hours to 2, everything else as it is. */
function csvValue(c: Column, row: Row): string {
  const v = row[c.key];
  if (v === null || v === undefined) return '';
  const fmt = formatOf(c, row);
  const s = typeof v === 'number' ? (fmt === 'rate' ? v.toFixed(4) : fmt === 'yuan' || fmt === 'hours' || fmt === 'score' ? v.toFixed(2) : String(v)) : String(v).replace(/\n/g, ' ');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One CSV per table (a project column where a table covers several projects), UTF-8 with BOM so Excel on Chinese
 * Windows reads it correctly; `name` is the table's key (summary, staff, breaches …).
 */
export function toCsvFiles(e: KpiExport): { name: string; content: Buffer }[] {
  return exportTables(e).map((table) => ({ name: table.key, content: tableCsv(table) }));
}

/** One table as CSV: UTF-8 with BOM, CRLF, bilingual header. */
export function tableCsv(table: Table): Buffer {
  const header = table.columns.map((c) => csvValue({ ...c, format: 'text' }, { [c.key]: c.en ? `${c.zh} ${c.en}` : c.zh }));
  const lines = [header.join(','), ...table.rows.map((r) => table.columns.map((c) => csvValue(c, r)).join(','))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

/** The CSV tables a caller can ask for (`sheet=`). */
export const CSV_SHEETS = ['company', 'summary', 'staff', 'breaches', 'breach_report', 'satisfaction', 'visits', 'complaint_topics', 'complaint_places', 'complaint_causes', 'repeat_complainants', 'definitions'] as const;
