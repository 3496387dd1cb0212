import ExcelJS from 'exceljs';
import type { KpiExport } from '../kpi-export';
import { formatOf, NUM_FMT, PAGE_CHARS, PAGE_SETUP, TITLE_ROWS, workbookSheets } from '../render';

/**
 * The workbook writer as it was before the export streamed its workbook (ExcelJS's in-memory workbook, a style per
 * cell, text widths measured per character), kept as the reference the streaming writer is compared with
 * (`workbook-identity.int.spec.ts`). Which sheets exist, their number formats and their page setup come from the
 * streaming writer (render.ts): what this file pins is how cells, styles and rows are written. Only the tests use it.
 */
const displayWidth = (s: string) => [...s].reduce((w, ch) => w + (/[\u2e80-\uffef]/.test(ch) ? 2 : 1), 0);
const linesIn = (text: string, width: number) => text.split('\n').reduce((n, seg) => n + Math.max(1, Math.ceil(displayWidth(seg) / Math.max(1, width - 1))), 0);

/**
 * The workbook as HR prints it: every sheet landscape A4, scaled to one page wide (fitToPage on, any number of pages
 * tall), a title row with the company or project and the month, the header rows repeated on every printed page,
 * frozen headers, bilingual column names, numbers with their formats (money in yuan, rates as %).
 */
export async function inMemoryWorkbook(e: KpiExport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Service Ledger';
  // Fixed dates keep the file a function of its figures (generatedAt is recorded in the Definitions sheet).
  wb.created = new Date(`${e.month}-01T00:00:00Z`);
  wb.modified = wb.created;
  wb.subject = `KPI ${e.month}`;
  wb.keywords = `source-position:${e.sourcePosition}`;
  for (const sheet of workbookSheets(e)) {
    const columns = sheet.table.columns.filter((c) => !c.csvOnly);
    const ws = wb.addWorksheet(sheet.name, {
      views: [{ state: 'frozen', ySplit: TITLE_ROWS }],
      pageSetup: PAGE_SETUP,
      headerFooter: { oddFooter: `&L${sheet.name}&R&P / &N` },
    });
    // Widen the sheet to a page when it is narrow, so that text columns wrap less and figures stay readable.
    const total = columns.reduce((a, c) => a + c.width, 0);
    const stretch = total < PAGE_CHARS * 0.7 ? (PAGE_CHARS * 0.7) / total : 1;
    ws.columns = columns.map((c) => ({ key: c.key, width: Math.round(c.width * stretch * 10) / 10 }));
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
    const widths = ws.columns.map((c) => c.width ?? 10);
    header.height = 15 * Math.max(2, ...columns.map((c, i) => linesIn(c.en ? `${c.zh}\n${c.en}` : c.zh, widths[i])));
    for (const row of sheet.rows) {
      const added = ws.addRow(Object.fromEntries(columns.map((c) => [c.key, row[c.key] ?? null])));
      let lines = 1;
      columns.forEach((c, i) => {
        const cell = added.getCell(i + 1);
        const fmt = NUM_FMT[formatOf(c, row)];
        if (fmt) cell.numFmt = fmt;
        else {
          cell.alignment = { wrapText: true, vertical: 'top' };
          lines = Math.max(lines, linesIn(String(row[c.key] ?? ''), widths[i]));
        }
      });
      added.height = 15 * lines;
    }
    ws.autoFilter = { from: { row: TITLE_ROWS, column: 1 }, to: { row: TITLE_ROWS, column: columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
