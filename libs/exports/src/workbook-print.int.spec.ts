import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analytics } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../../test/support/sample';
import { buildKpiExport } from './kpi-export';
import { toWorkbook } from './render';
import { exportTables } from './sheets';

const SOFFICE = '/usr/bin/soffice';
const tools = [SOFFICE, '/usr/bin/pdfinfo', '/usr/bin/pdftotext', '/usr/bin/pdftoppm'];
const missing = tools.filter((t) => !existsSync(t));
if (missing.length && process.env.CI === 'true') throw new Error(`LibreOffice and poppler-utils are required in CI (${missing.join(', ')}); run infra/test-deps.sh`);
if (missing.length) console.warn(`\n*** SKIPPING workbook print test: ${missing.join(', ')} not installed (apt-get install libreoffice-calc poppler-utils) ***\n`);
const describePrint = missing.length ? describe.skip : describe;

/**
 * The workbook as HR prints it: LibreOffice (headless) turns it into a PDF; every page must be landscape and carry
 * its sheet's title and its last column's header (the repeated header rows, and proof that no sheet is split across
 * pages sideways). The pages are kept as PNG in test-artifacts/workbook for a person to look at.
 */
describePrint('the KPI workbook printed by LibreOffice', () => {
  let store: EventStore;
  let db: Analytics;
  const artifacts = join(__dirname, '..', '..', '..', 'test-artifacts', 'workbook');

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 2 }));
  }, 300_000);
  afterAll(async () => {
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  it('every sheet is one page wide, landscape, titled, with its header on every page', async () => {
    const data = await buildKpiExport(db, { month: '2026-10', now: new Date('2026-11-20T00:00:00Z') });
    expect(data.projects.length).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'sl-print-'));
    writeFileSync(join(dir, 'kpi.xlsx'), await toWorkbook(data));
    // A private LibreOffice profile: tests may run beside another soffice.
    execFileSync(SOFFICE, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'kpi.xlsx')], { timeout: 180_000, stdio: 'pipe' });
    const pdf = join(dir, 'kpi.pdf');
    const info = execFileSync('pdfinfo', ['-f', '1', '-l', '1000', pdf], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(sizes).toHaveLength(pages);
    for (const [w, h] of sizes) expect([Math.round(w), Math.round(h)]).toEqual([842, 595]); // A4 landscape

    // The sheets as the workbook has them (one summary per project), with the text the title and last header carry.
    const tables = exportTables(data);
    const sheets = tables.flatMap((t) => (t.perProject ? data.projects.map((p) => ({ t, title: `${p.projectId}）· ${t.zh} ${t.en}` })) : [{ t, title: `${t.zh} ${t.en} · 2026-10` }]));
    const lastHeader = (t: (typeof tables)[number]) => t.columns.filter((c) => !c.csvOnly).at(-1)!.zh;
    let sheet = -1;
    for (let page = 1; page <= pages; page++) {
      const text = execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' });
      // A page starts the next sheet or continues the current one; either way it shows that sheet's title and last column.
      if (sheet + 1 < sheets.length && text.includes(sheets[sheet + 1].title)) sheet++;
      expect({ page, title: text.includes(sheets[sheet].title) }).toEqual({ page, title: true });
      expect({ page, lastColumn: text.includes(lastHeader(sheets[sheet].t)) }).toEqual({ page, lastColumn: true });
    }
    expect(sheet).toBe(sheets.length - 1); // every sheet was printed, in order
    expect(pages).toBeGreaterThanOrEqual(sheets.length);
    expect(pages).toBeLessThan(sheets.length * 4); // two projects, one month: no sheet runs to many pages

    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    execFileSync('pdftoppm', ['-r', '60', '-png', pdf, join(artifacts, 'page')]);
    writeFileSync(join(artifacts, 'kpi-2026-10.pdf'), execFileSync('cat', [pdf]));
    expect(readdirSync(artifacts).filter((f) => f.endsWith('.png'))).toHaveLength(pages);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
