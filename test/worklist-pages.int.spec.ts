import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { type Analytics, Projector } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { FixedClock, newId, type Role } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { complaintPayload, contextFor, repairPayload } from '@service-ledger/testing';
import type { Browser } from 'playwright-core';
import { TEST_SECRET } from './support/api';
import { describeInBrowser, launchChromium, servePages } from './support/browser';
import { testAnalytics } from './support/chdb';

const NOW = new Date('2026-11-20T10:00:00.000Z');

describeInBrowser('worklist page')('worklist, case timeline and visitor register pages in Debian Chromium', () => {
  let store: EventStore;
  let db: Analytics;
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  const tokens = new TokenService(TEST_SECRET);
  const supervisor = tokens.issue({ staffId: 'P01-supervisor-1', role: 'supervisor', projects: ['P01'], permissions: [] });
  const artifacts = join(__dirname, '..', 'test-artifacts', 'worklist');
  const repairId = newId();
  const urgentId = newId();

  beforeAll(async () => {
    const clock = new FixedClock(NOW);
    store = await createEventStore({ kind: 'pglite' });
    db = await testAnalytics('pages');
    const pipeline = new CommandPipeline(store, clock);
    const run = (name: string, payload: unknown, role: Role, at: string) => pipeline.execute(name, payload, contextFor(role, `P01-${role}-1`, ['P01'], at));
    await pipeline.execute('RegisterProject', { projectId: 'P01', name: '翠湖花园', city: '杭州', buildings: [{ building: '2', units: ['0501'] }, { building: '5', units: ['0302'] }, { building: '3', units: ['1201'] }] }, contextFor('admin', 'admin-1', '*', '2026-01-01T00:00:00Z'));
    // A repair that was paused (owner away), then late on site: its arrival clock is breached, the pause shaded.
    await run('ReportRepair', repairPayload(repairId, 'P01', { category: 'urgent' }), 'receptionist', '2026-11-20T06:00:00Z');
    await run('DispatchRepair', { repairId, technicianId: 'P01-technician-1', dispatchNo: 'D-1' }, 'engineering_supervisor', '2026-11-20T06:10:00Z');
    await run('PauseRepair', { repairId, reason: 'owner_absent' }, 'receptionist', '2026-11-20T06:30:00Z');
    await run('ResumeRepair', { repairId }, 'receptionist', '2026-11-20T07:00:00Z');
    await run('RecordTechnicianArrival', { repairId }, 'technician', '2026-11-20T09:00:00Z');
    // An urgent repair 18 minutes from its limit, and a complaint: the worklist puts the repair first.
    await run('ReportRepair', repairPayload(urgentId, 'P01', { category: 'urgent' }), 'receptionist', '2026-11-20T08:18:00Z');
    await run('ReceiveComplaint', complaintPayload(newId(), 'P01'), 'receptionist', '2026-11-20T09:30:00Z');
    await run('CheckInVisitor', { visitorId: newId(), projectId: 'P01', visitor: { name: '周九', phone: '13600001234', idDocumentNo: '110101199001011234' }, hostLocation: { building: '2', unit: '0501' }, purpose: '送货 delivery' }, 'receptionist', '2026-11-20T03:00:00Z');
    await new Projector(db).handle((await store.readAll({ limit: 1000 })).events);
    ({ app, base } = await servePages({ store, db, tokens, clock }));
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  it('待办 / Worklist: at-risk first with time left, case number and responsible person; a row opens the case timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(`${base}/dashboards/worklist?token=${supervisor}`);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    const rows = await page.$$eval('#cases tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toHaveLength(3);
    expect(rows[0][0]).toBe('P01-202611-0002');
    expect(rows[0][4]).toContain('预警 at risk');
    expect(rows[0][5]).toBe('剩 18 分');
    expect(rows[0][6]).toBe('P01-receptionist-1');
    expect(await page.textContent('#summary')).toContain('共 3 件');
    await page.screenshot({ path: join(artifacts, 'worklist.png'), fullPage: true });
    await page.fill('input[name="q"]', 'P01-202611-0001');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#cases tbody tr').length === 1);
    await Promise.all([page.waitForURL(/\/dashboards\/timeline\?case=/), page.click('#cases tbody tr')]);
    expect(page.url()).toContain(`repair-${repairId}`);
    await page.close();
  });

  it('case timeline: events with actor and role, clocks as bars with the pause shaded, warning and breach marked, as of any instant', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
    await page.goto(`${base}/dashboards/timeline?case=repair-${repairId}&token=${supervisor}`);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    expect(await page.textContent('#summary')).toContain('P01-202611-0001');
    expect(await page.$$eval('[data-event]', (e) => e.map((x) => x.getAttribute('data-event')))).toEqual(['RepairReported', 'RepairDispatched', 'RepairPaused', 'RepairResumed', 'TechnicianArrived']);
    expect(await page.$$eval('#events tbody tr', (trs) => trs.map((tr) => [tr.children[2].textContent, tr.children[3].textContent, tr.children[4].textContent]))).toContainEqual(['RepairPaused', 'P01-receptionist-1', 'receptionist']);
    expect(await page.$$eval('[data-clock-bar]', (e) => e.map((x) => x.getAttribute('data-clock-bar')))).toEqual(['repair_arrival', 'repair_fix']);
    expect(await page.$$('[data-pause="repair_arrival"]')).toHaveLength(1);
    expect(await page.$$('[data-warning="repair_arrival"]')).toHaveLength(1);
    expect(await page.$$('[data-breach="repair_arrival"]')).toHaveLength(1);
    await page.screenshot({ path: join(artifacts, 'timeline.png'), fullPage: true });
    // As of 06:45 (Shanghai 14:45) the order is paused and nothing is breached yet.
    await page.fill('input[name="asOf"]', '2026-11-20T14:45');
    await page.click('#pick button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-event]').length === 3);
    expect(await page.$$('[data-breach]')).toHaveLength(0);
    await page.screenshot({ path: join(artifacts, 'timeline-as-of.png'), fullPage: true });
    await page.close();
  });

  it('a dashboard table row that names a case opens its timeline (the page finds the stream from the bare case id)', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/dashboards?token=${supervisor}#sla`);
    const link = page.locator(`a.case-link[href="/dashboards/timeline?case=${repairId}"]`).first();
    await link.waitFor({ timeout: 30_000 }).catch(async (e) => {
      throw new Error(`${e.message}; links: ${JSON.stringify(await page.$$eval('a.case-link', (as) => as.map((a) => a.getAttribute('href'))))}; tables: ${await page.$$eval('table', (t) => t.length)}`);
    });
    await link.click();
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    expect(await page.textContent('#summary')).toContain(`repair-${repairId}`);
    await page.close();
  });

  it('visitor register: who (masked), whom, in, out, reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 500 } });
    await page.goto(`${base}/dashboards/visitors?project=P01&date=2026-11-20&token=${supervisor}`);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    const rows = await page.$$eval('#visitors tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([['周*', '136****1234', '2-0501', '2026/11/20 11:00', '未离开 still in', '送货 delivery', 'P01-receptionist-1']]);
    await page.screenshot({ path: join(artifacts, 'visitors.png'), fullPage: true });
    await page.close();
  });
});
