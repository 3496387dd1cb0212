import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Analytics } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../../test/support/sample';
import { buildKpiExport, figuresOf, type KpiExport, type KpiExportParts, startKpiExport } from './kpi-export';
import { toWorkbook, writeWorkbook } from './render';
import { inMemoryWorkbook } from './testing/in-memory-workbook';

/**
 * Everything ExcelJS reads back from a workbook, as plain data: the document's properties and print titles, and per
 * sheet its views, page setup (with the print options), footer, filter, merges, column widths, and every row's height
 * and style with every cell (empty ones included) as type, value and style.
 */
async function contents(file: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
  return JSON.parse(JSON.stringify({
    properties: { creator: wb.creator, created: wb.created, modified: wb.modified, subject: wb.subject, keywords: wb.keywords },
    definedNames: wb.definedNames.model,
    sheets: wb.worksheets.map((ws) => {
      const rows: unknown[] = [];
      ws.eachRow({ includeEmpty: true }, (row, n) => {
        const cells: unknown[] = [];
        row.eachCell({ includeEmpty: true }, (cell, i) => cells.push({ i, type: cell.type, value: cell.value, style: cell.style }));
        rows.push({ n, height: row.height, style: (row as unknown as { style: unknown }).style, cells });
      });
      return {
        name: ws.name, state: ws.state, views: ws.views, pageSetup: ws.pageSetup, headerFooter: ws.headerFooter, autoFilter: ws.autoFilter,
        properties: ws.properties, merges: ws.model.merges, columns: (ws.model as unknown as { cols: unknown }).cols, rows,
      };
    }),
  }));
}

/**
 * The workbook is streamed (issue 20, P6: ExcelJS's in-memory workbook was most of the export's time and memory at
 * 200 projects). What HR opens and prints must not change: the streamed file, read back, equals the one the
 * in-memory writer it replaced makes from the same figures (that writer is kept unchanged in testing/).
 */
describe('the streamed KPI workbook holds what the in-memory writer wrote', () => {
  let store: EventStore;
  let db: Analytics;
  const now = new Date('2026-11-20T00:00:00Z');

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 3 }));
  }, 300_000);
  afterAll(async () => {
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  const compare = async (data: KpiExport) => {
    const [streamed, reference] = [await contents(await toWorkbook(data)), await contents(await inMemoryWorkbook(data))];
    expect(streamed).toEqual(reference);
    return streamed;
  };

  it('the company workbook of a month: every sheet, row, cell, style and print setting', async () => {
    const data = await buildKpiExport(db, { month: '2026-10', now });
    expect(data.projects.length).toBe(2);
    expect(data.breaches.length).toBeGreaterThan(0);
    expect(data.satisfaction.visits.length).toBeGreaterThan(0);
    const sheets = (await compare(data)).sheets as { name: string; pageSetup: { horizontalCentered: boolean }; rows: { cells: { value: unknown }[] }[] }[];
    // Not a comparison of two empty files: every table of the month is there with its rows.
    expect(sheets.length).toBe(13);
    expect(sheets.every((s) => s.pageSetup.horizontalCentered)).toBe(true);
    expect(sheets.reduce((n, s) => n + s.rows.length, 0)).toBeGreaterThan(200);
  }, 120_000);

  it('one project with the audit anchor, and a month with little in it', async () => {
    const anchor = {
      position: '42', digest: 'ab'.repeat(32),
      checkpoint: { seq: '3', position: '40', logHash: 'cd'.repeat(32), sealedAt: '2026-11-01T00:00:00.000Z', signature: 'ef'.repeat(32), keyId: 'key-1' },
    };
    const projectId = (await buildKpiExport(db, { month: '2026-10', now })).projects[1].projectId;
    await compare(await buildKpiExport(db, { month: '2026-10', project: projectId, now, anchor }));
    await compare(await buildKpiExport(db, { month: '2026-08', now }));
  }, 120_000);

  it('a row holding a value of another kind (a boolean) is written by ExcelJS, between rows written as XML', async () => {
    const data = await buildKpiExport(db, { month: '2026-10', now });
    expect(data.staff.length).toBeGreaterThan(3);
    // The export's tables hold text and numbers only; a column given another kind of value must still come out as
    // ExcelJS writes it, in its place among the other rows.
    const staff = data.staff.map((s, i) => (i === 1 || i === 3 ? { ...s, weightsFrom: i === 1 } : s));
    const sheets = (await compare({ ...data, staff: staff as unknown as KpiExport['staff'] })).sheets as { name: string; rows: { cells: { value: unknown }[] }[] }[];
    const cells = sheets.find((s) => s.name.startsWith('员工'))!.rows.flatMap((r) => r.cells.map((c) => c.value));
    expect(cells).toContain(true);
    expect(cells).toContain(false);
  }, 120_000);

  it('chDB answers the reports in the order the sheets need them (KPIs first, the log position last)', async () => {
    const parts = await startKpiExport(db, { month: '2026-10', now });
    const order: string[] = [];
    const keys = ['companyKpis', 'policies', 'staff', 'breaches', 'satisfaction', 'complaints', 'sourcePosition'] as const;
    await Promise.all(keys.map((k) => parts[k].then(() => order.push(k))));
    // Sent all at once, chDB took them in no particular order: at 200 projects the KPI pass came last, and the
    // workbook, which starts with it, waited for every query.
    expect(order).toEqual(keys);
  }, 120_000);

  it('written as the figures arrive: the first sheets before the last figure is in, and the same workbook', async () => {
    const data = await buildKpiExport(db, { month: '2026-10', now });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const late = new Set<string>(['complaints', 'sourcePosition', 'generatedAt', 'changedAfterCloseAt']);
    const parts = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, late.has(k) ? held.then(() => v) : Promise.resolve(v)])) as unknown as KpiExportParts;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writing = writeWorkbook(parts, out);
    // Company, two summaries, staff, breaches, breach report, satisfaction and visits need no complaint figure: sheets
    // 1–8 are in the zip (each entry's name is written as it starts, after the one before has ended); the 9th,
    // complaint topics, waits.
    for (let i = 0; i < 500 && !Buffer.concat(chunks).includes('xl/worksheets/sheet8.xml'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(chunks).includes('xl/worksheets/sheet8.xml')).toBe(true);
    expect(Buffer.concat(chunks).includes('xl/worksheets/sheet9.xml')).toBe(false);
    release();
    await writing;
    expect(await contents(Buffer.concat(chunks))).toEqual(await contents(await inMemoryWorkbook(await figuresOf(parts))));
  }, 120_000);
});
