import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { ANALYTICS, type Analytics, Projector, projectAll, replay } from '@service-ledger/analytics';
import { createEventStore, type EventStore, type SqlEventStore } from '@service-ledger/event-store';
import { generateCheckpointKey, latestCheckpointAnchor, loadSigningKey, Sealer, verifyStore } from '@service-ledger/audit';
import { newId, ValidationError } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { importFile } from '@service-ledger/application';
import { AnalyticsApiModule } from '@service-ledger/api';
import { startTestApi } from '../../../test/support/api';
import { testAnalytics } from '../../../test/support/chdb';
import { buildKpiExport, type KpiExport } from './kpi-export';
import { nextMonthlyRun, previousMonth } from './scheduler';
import { exportKpisToFiles, streamAtomically } from './write';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'hand-built-march-2026.ndjson');
const NOW = new Date('2026-11-24T00:00:00Z');
const figures = (e: KpiExport) => JSON.stringify({ projects: e.projects, staff: e.staff, breaches: e.breaches });

describe('monthly KPI export', () => {
  let store: EventStore;
  let db: Analytics;
  let projector: Projector;
  const catchUp = () => projectAll(store, projector, 1000);

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    const report = await importFile(store, FIXTURE);
    expect(report.failed).toEqual([]);
    db = await testAnalytics('export');
    projector = new Projector(db);
    await catchUp();
  }, 60_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  it('every figure of the hand-built month matches the hand computation', async () => {
    const e = await buildKpiExport(db, { month: '2026-03', project: 'HB1', now: NOW });
    const k = Object.fromEntries(e.projects[0].kpis.map((x) => [x.id, [x.numerator, x.denominator]]));
    expect(k).toMatchObject({
      repair_timeliness: [1, 2], repair_completion: [2, 2], repair_satisfaction: [1, 2], repair_follow_up_rate: [2, 2],
      urgent_on_site_2h: [1, 1], urgent_fixed_24h: [1, 1], general_fixed_72h: [0, 1], rework_rate: [0, 2], first_time_fix: [2, 2],
      complaints_received: [1, 1], valid_complaint_rate: [1, 1], complaint_first_reply_half_day: [1, 1], complaint_promised_reply: [0, 0],
      complaint_timeliness: [1, 1], complaint_reopen_rate: [0, 1], major_complaints: [0, 1], follow_up_visit_rate: [3, 3], satisfaction_rate: [2, 3], help_answered_5min: [0, 1],
    });
    expect(k.fees_collected[0]).toBe(3000);
    expect(e.breaches.map((b) => [b.clock, Math.round(b.overSeconds / 36) / 100, b.open])).toEqual([['repair_fix', 1, false], ['help_answer', 0.02, false]]);
    // On-time counts each clock for who answers for it. desk-1: C1's first reply (first responder, met), the three
    // follow-up visits it made (visitor, each within 72 h) and H1's answer (handler, 6 min > 5: late) → 4 of 5;
    // 40 × 4/5 + 40 × 1 + 20 × 2/2 = 92. tech-1: 40 × 1 + 40 × 1 + 20 × ½ = 90; tech-2: 0 + 0 + 10 = 10.
    expect(e.staff.map((s) => [s.staffId, s.name, s.onTime, s.onTimeBase, s.score, s.rank])).toEqual([
      ['desk-1', '', 4, 5, 92, 1],
      ['tech-1', '王师傅', 1, 1, 90, 2],
      ['tech-2', '李师傅', 0, 1, 10, 3],
    ]);
    // The file carries its own policy (HB1: first reply within 4 working hours): C1 replied at 15:30 is on time, and
    // the definitions list the version with who set it and why.
    expect(e.policies).toEqual([expect.objectContaining({ id: 'HB1#1', setBy: 'gm-1 (gm_office)', reason: 'service contract: first reply within 4 working hours', summary: 'SLA complaintFirstReplyWorkingMs PT4H' })]);
  });

  it('writes a valid workbook: summary, staff, breaches and definitions sheets, bilingual headers, formats, frozen headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    const [file] = await exportKpisToFiles(db, { month: '2026-03', now: NOW }, 'xlsx', join(dir, 'kpi.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总 HB1', '员工 Staff', '超时明细 Breaches', '超时分析 Breach report', '满意度 Satisfaction', '回访明细 Visits',
      '投诉话题 Complaint topics', '投诉楼栋 Complaint places', '投诉原因 Complaint causes', '重复投诉 Repeat complainants', '定义 Definitions',
    ]);
    const summary = wb.getWorksheet('汇总 HB1')!;
    expect(String(summary.getRow(1).getCell(1).value)).toMatch(/（HB1）· 汇总 Summary · 2026-03$/);
    expect(summary.getRow(2).getCell(4).value).toBe('结果\nResult');
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(summary.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' });
    const timeliness = summary.getRows(3, summary.rowCount - 2)!.find((r) => String(r.getCell(1).value).startsWith('维修及时率\n'))!;
    expect([timeliness.getCell(2).value, timeliness.getCell(3).value, timeliness.getCell(4).value]).toEqual([1, 2, 0.5]);
    expect(timeliness.getCell(4).numFmt).toBe('0.0%');
    // Fees are stored in fen (3000) and shown in yuan.
    const fees = summary.getRows(3, summary.rowCount - 2)!.find((r) => String(r.getCell(1).value).startsWith('维修收费'))!;
    expect([fees.getCell(4).value, fees.getCell(4).numFmt]).toEqual([30, '"¥"#,##0.00']);
    const breaches = wb.getWorksheet('超时明细 Breaches')!;
    expect(breaches.rowCount).toBe(4);
    const fix = breaches.getRow(3).values as unknown[];
    // Case reference, bilingual clock, local time (Asia/Shanghai) to the minute, responsible person with their name.
    // The readable case number the store assigned (project, month, sequence); cases without one keep BX-HB1-xxxxxxxx.
    expect(fix[2]).toMatch(/^HB1-202603-\d{4}$/);
    expect(fix[3]).toBe('维修修复（24/72小时） Repair fixed (24 h / 72 h)');
    expect(fix[8]).toMatch(/^2026-03-\d\d \d\d:\d\d$/);
    expect(fix[6]).toBe('李师傅 (tech-2)'); // the technician whose general repair was late (on time 0/1 in the scorecard)
    const defs = wb.getWorksheet('定义 Definitions')!;
    const source = defs.getRows(3, defs.rowCount - 2)!.find((r) => r.getCell(5).value === 'source')!;
    expect(String(source.getCell(2).value)).toMatch(/^event-store position \d+; generated /);
    const policy = defs.getRows(3, defs.rowCount - 2)!.find((r) => r.getCell(5).value === 'policy HB1#1')!;
    expect(String(policy.getCell(3).value)).toMatch(/^effective 2026-01-31T16:00:00.000Z; set by gm-1 \(gm_office\)/);
    expect(readdirSync(dir)).toEqual(['kpi.xlsx']);
  }, 30_000);

  it('prints the latest signed checkpoint as the audit anchor, which a later verify accepts', async () => {
    const keys = generateCheckpointKey(mkdtempSync(join(tmpdir(), 'sl-export-key-')));
    await new Sealer(store as SqlEventStore, { everyEvents: 1000, everyMinutes: 60, key: loadSigningKey(keys.privatePath) }).sealOnce({ final: true });
    const anchor = (await latestCheckpointAnchor(store as SqlEventStore))!;
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    const [file] = await exportKpisToFiles(db, { month: '2026-03', now: NOW, anchor }, 'xlsx', join(dir, 'kpi.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const defs = wb.getWorksheet('定义 Definitions')!;
    const rows = defs.getRows(3, defs.rowCount - 2)!;
    const row = rows.find((r) => r.getCell(5).value === 'anchor')!;
    const [position, digest] = String(row.getCell(2).value).split(':');
    const checkpoint = rows.find((r) => r.getCell(5).value === 'checkpoint')!;
    expect(String(checkpoint.getCell(2).value)).toContain(`key ${keys.keyId}`);
    expect(String(checkpoint.getCell(3).value)).toContain(anchor.checkpoint.signature!);
    const report = await verifyStore(store as SqlEventStore, { anchor: { position, digest }, publicKeyPem: keys.publicPem });
    expect(report).toMatchObject({ ok: true, anchorChecked: true, proof: { onlyGrew: true } });
  });

  it('writes one UTF-8 CSV with BOM per table, with a project column and rates to 4 decimals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    const files = await exportKpisToFiles(db, { month: '2026-03', now: NOW }, 'csv', join(dir, 'kpi-2026-03.csv'));
    expect(files.map((f) => f.slice(dir.length + 1 + 'kpi-2026-03-'.length)).sort()).toEqual([
      'breach-report.csv', 'breaches.csv', 'company.csv', 'complaint-causes.csv', 'complaint-places.csv', 'complaint-topics.csv', 'definitions.csv',
      'repeat-complainants.csv', 'satisfaction.csv', 'staff.csv', 'summary.csv', 'visits.csv',
    ]);
    const summary = readFileSync(join(dir, 'kpi-2026-03-summary.csv'));
    expect([...summary.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = summary.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('项目 Project,指标 KPI,编号 Id,分子 Numerator,分母 Denominator,结果 Result');
    expect(lines.filter((l) => l.startsWith('项目'))).toHaveLength(1);
    expect(lines).toContain('HB1,维修及时率 Repairs fixed within their limit,repair_timeliness,1,2,0.5000');
    expect(lines).toContain('HB1,维修收费 Repair fees collected,fees_collected,30.00,1,30.00');
  });

  it('is reproducible: twice, and after a full replay, the figures are identical', async () => {
    const a = await buildKpiExport(db, { month: '2026-03', now: NOW });
    const b = await buildKpiExport(db, { month: '2026-03', now: NOW });
    expect(figures(b)).toBe(figures(a));
    const fresh = db.withDatabase(`${db.database}_replay`);
    await replay(store, fresh);
    expect(figures(await buildKpiExport(fresh, { month: '2026-03', now: NOW }))).toBe(figures(a));
    await fresh.command(`DROP DATABASE \`${fresh.database}\``);
  });

  /** A help request about March recorded now, long after the month closed. */
  const lateHelpRequest = async (ownerRef: string, occurredAt: string) => {
    const late = newId();
    await new CommandPipeline(store).execute(
      'ReceiveHelpRequest',
      { requestId: late, projectId: 'HB1', kind: 'help_request', category: 'G', channel: 'phone', requester: { name: '周业主', phone: '13844445555' }, ownerRef, description: 'Locked out' },
      { commandId: newId(), actor: { staffId: 'desk-1', role: 'receptionist' }, projectScope: '*', occurredAt, correlationId: late, causationId: null },
    );
  };

  it('a late event about an exported month changes its figures and says when the data last changed', async () => {
    const before = await buildKpiExport(db, { month: '2026-03', now: NOW });
    await lateHelpRequest('HB1-1-0102', '2026-03-20T02:00:00Z');
    await catchUp();
    const after = await buildKpiExport(db, { month: '2026-03', now: NOW });
    expect(after.projects[0].kpis.find((k) => k.id === 'help_answered_5min')!.denominator).toBe(2);
    expect(Date.parse(after.changedAfterCloseAt!)).toBeGreaterThan(Date.parse(before.changedAfterCloseAt!));
    expect(BigInt(after.sourcePosition)).toBeGreaterThan(BigInt(before.sourcePosition));
  });

  it('an export made while the aggregates are not yet recomputed names the position through which they are, not the log head', async () => {
    const before = await buildKpiExport(db, { month: '2026-03', now: NOW });
    await lateHelpRequest('HB1-1-0103', '2026-03-21T02:00:00Z');
    // Written by a projector whose cadence has not come round: the tables hold the event, the aggregates not yet.
    const lagging = new Projector(db, { refreshEveryMs: 3_600_000 });
    const events = (await store.readAll({ limit: 100_000 })).events.filter((e) => e.globalPosition > BigInt(before.sourcePosition));
    expect(events.length).toBeGreaterThan(0);
    await lagging.handle(events);
    expect(BigInt((await db.query<{ p: string }>('SELECT toString(max(position)) AS p FROM {{events}}'))[0].p)).toBeGreaterThan(BigInt(before.sourcePosition));
    expect((await buildKpiExport(db, { month: '2026-03', now: NOW })).sourcePosition).toBe(before.sourcePosition);
    await lagging.flush();
    const after = await buildKpiExport(db, { month: '2026-03', now: NOW });
    expect(after.sourcePosition).toBe(events[events.length - 1].globalPosition.toString());
  });

  it('bad input: malformed month, a future month, an unknown project — a clear error and no file left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    for (const [req, field] of [[{ month: '2026-3' }, 'month'], [{ month: '2026-12' }, 'month'], [{ month: '2026-03', project: 'NOPE' }, 'project']] as const) {
      const err = await exportKpisToFiles(db, { ...req, now: NOW }, 'xlsx', join(dir, 'out.xlsx')).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues[0].field).toBe(field);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a workbook that fails while it is being written leaves neither the file nor its temporary behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    const failing = streamAtomically(join(dir, 'kpi.xlsx'), async (out) => {
      out.write(Buffer.alloc(100_000));
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual([]);
    await streamAtomically(join(dir, 'kpi.xlsx'), async (out) => {
      out.end('ok');
    });
    expect(readdirSync(dir)).toEqual(['kpi.xlsx']);
    expect((statSync(join(dir, 'kpi.xlsx')).mode & 0o777).toString(8)).toBe('600');
  });

  it('a query that fails after the first sheets are written fails the export and leaves no file behind', async () => {
    // The sheets are written while the later figures arrive: the log position, asked last, fails once the temporary
    // file already holds every sheet but the definitions.
    const broken = db.withDatabase(`${db.database}_broken`);
    await replay(store, broken);
    await broken.command('DROP TABLE {{events}}');
    const dir = mkdtempSync(join(tmpdir(), 'sl-export-'));
    const unhandled: unknown[] = [];
    const record = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', record);
    try {
      await expect(exportKpisToFiles(broken, { month: '2026-03', now: NOW }, 'xlsx', join(dir, 'kpi.xlsx'))).rejects.toThrow(/events/);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', record);
      await broken.command(`DROP DATABASE \`${broken.database}\``);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('the API serves the workbook to HR, refuses a receptionist, and logs the export', async () => {
    const api = await startTestApi({ store, modules: [AnalyticsApiModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
    const http = request(api.app.getHttpServer());
    const ok = await http.get('/api/exports/kpi?month=2026-03').set('Authorization', `Bearer ${api.token('hr', '*')}`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(ok.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(ok.body);
    expect(wb.worksheets).toHaveLength(11);
    expect((await http.get('/api/exports/kpi?month=2026-03').set('Authorization', `Bearer ${api.token('receptionist', ['HB1'])}`)).status).toBe(403);
    expect((await http.get('/api/exports/kpi?month=03-2026').set('Authorization', `Bearer ${api.token('hr', '*')}`)).status).toBe(400);
    const log = (await store.readAll({ limit: 100_000 })).events.filter((e) => e.type === 'AuditAccessRecorded');
    expect(log.at(-1)).toMatchObject({ actor: { role: 'hr' }, data: { what: 'kpi_export', details: { month: '2026-03', format: 'xlsx' } } });
    await api.app.close();
  });

  it('the scheduler runs on the 1st at the configured time, for the previous month', () => {
    expect(nextMonthlyRun(new Date('2026-11-24T00:00:00Z'), '06:00', 'Asia/Shanghai').toISOString()).toBe('2026-11-30T22:00:00.000Z');
    expect(nextMonthlyRun(new Date('2026-11-30T21:59:00Z'), '06:00', 'Asia/Shanghai').toISOString()).toBe('2026-11-30T22:00:00.000Z');
    expect(previousMonth(new Date('2026-11-30T22:00:00Z'), 'Asia/Shanghai')).toBe('2026-11');
    expect(existsSync(FIXTURE)).toBe(true);
  });
});
