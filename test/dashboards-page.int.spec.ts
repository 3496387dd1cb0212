import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { type Analytics, Projector, projectAll } from '@service-ledger/analytics';
import { Scenario } from '@service-ledger/testing';
import { TokenService } from '@service-ledger/auth';
import type { EventStore } from '@service-ledger/event-store';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARDS, VALUE_LABELS } from '@service-ledger/dashboards';
import { TEST_SECRET } from './support/api';
import { describeInBrowser, launchChromium, servePages } from './support/browser';
import { sampleCompany } from './support/sample';

describeInBrowser('dashboard page')('built-in /dashboards page in Debian Chromium', () => {
  let store: EventStore;
  let db: Analytics;
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  const tokens = new TokenService(TEST_SECRET);
  const gm = tokens.issue({ staffId: 'demo-gm_office', role: 'gm_office', projects: '*', permissions: [] });
  const desk = tokens.issue({ staffId: 'P01-receptionist-1', role: 'receptionist', projects: ['P01'], permissions: [] });
  const artifacts = join(__dirname, '..', 'test-artifacts', 'dashboards');
  const screenshots = join(__dirname, '..', 'dashboards', 'screenshots');

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 6 }));
    // Major complaints are rare (a few a year per project): this sample has none by chance, so one is added for the list.
    const s = new Scenario(store);
    const major = await s.complaint('2026-10-12T10:00:00', 'P01', 'P01-receptionist-1');
    await s.run('ClassifyComplaint', { complaintId: major, nature: 'valid', content: 'sudden_event', topic: 'water', reasonable: true, major: true }, '2026-10-12T10:20:00', 'supervisor', 'P01-supervisor-1', 'P01');
    await s.run('ReportMajorComplaint', { complaintId: major, place: '3栋', symptoms: '整栋停水', handlingPlan: '抢修人员已到场' }, '2026-10-12T10:30:00', 'supervisor', 'P01-supervisor-1', 'P01');
    await projectAll(store, new Projector(db));
    ({ app, base } = await servePages({ store, db, tokens }));
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  async function open(token: string, dashboard: string, viewport = { width: 1400, height: 1000 }) {
    const page = await browser.newPage({ viewport });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}/dashboards?token=${token}#${dashboard}`);
    await settled(page);
    return { page, requests };
  }

  /** Every panel has answered (data, empty or error); panels answer independently, so a message can come first. */
  async function settled(page: Page) {
    await page.waitForFunction(() => document.querySelectorAll('.card').length > 0 && [...document.querySelectorAll<HTMLElement>('.card')].every((c) => c.dataset.state !== 'loading'), null, { timeout: 60_000 });
  }

  it.each(DASHBOARDS.map((d) => [d.id, d.panels.length] as const))('%s: every panel renders a chart or table with data', async (id, count) => {
    const { page } = await open(gm, id);
    const states = await page.$$eval('.card', (cards) => cards.map((c) => [(c as HTMLElement).dataset.panel, (c as HTMLElement).dataset.state]));
    expect(states).toHaveLength(count);
    expect(states.filter(([, s]) => s !== 'data')).toEqual([]);
    expect(await page.$$eval('.card canvas, .card table, .card .value', (els) => els.length)).toBeGreaterThanOrEqual(count);
    await page.waitForTimeout(600); // let ECharts finish its entry animation before the picture
    await page.screenshot({ path: join(artifacts, `${id}.png`), fullPage: true });
    // The README's pictures are refreshed on request only, so a test run leaves the work tree clean.
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(screenshots, `${id}.png`), fullPage: true });
    await page.close();
  });

  it('a filter change re-queries every panel with the new filter', async () => {
    const { page, requests } = await open(gm, 'repairs');
    const before = requests.length;
    await page.selectOption('select[name=project]', 'P02');
    await page.click('#filters button[type=submit]');
    await settled(page);
    const fresh = requests.slice(before).filter((u) => u.includes('/panels/'));
    expect(fresh).toHaveLength(DASHBOARDS.find((d) => d.id === 'repairs')!.panels.length);
    expect(fresh.every((u) => u.includes('project=P02'))).toBe(true);
    await page.close();
  });

  it('switches between Chinese and English labels without querying again', async () => {
    const { page, requests } = await open(gm, 'sla');
    const sla = DASHBOARDS.find((d) => d.id === 'sla')!;
    expect(await page.textContent('h1')).toBe('服务质量看板');
    expect(await page.textContent('.card h2')).toBe(sla.panels[0].title.zh);
    const clocks = () => page.$$eval('[data-panel=at_risk_now] tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((td) => td.textContent))]);
    const codes = (await clocks()).map((text) => Object.keys(VALUE_LABELS).find((k) => VALUE_LABELS[k].zh === text));
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every(Boolean)).toBe(true);
    const before = requests.length;
    await page.click('#lang');
    expect(await page.textContent('h1')).toBe('Service quality dashboards');
    expect(await page.textContent('.card h2')).toBe(sla.panels[0].title.en);
    expect(await page.textContent('label:has(select[name=department]) span')).toBe('Department');
    expect(await clocks()).toEqual(codes.map((c) => VALUE_LABELS[c!].en));
    expect(requests.slice(before).filter((u) => u.includes('/panels/'))).toEqual([]);
    expect(await page.$$eval('.card', (cards) => cards.every((c) => (c as HTMLElement).dataset.state === 'data'))).toBe(true);
    await page.click('#lang'); // leave the next tests in Chinese (the choice is remembered)
    await page.close();
  });

  it('is readable on a phone: charts and tables take the full width, nothing scrolls sideways', async () => {
    const { page } = await open(gm, 'complaints', { width: 390, height: 844 });
    const widths = await page.$$eval('.card:not(.stat):not(.gauge)', (cards) => cards.map((c) => c.getBoundingClientRect().width));
    expect(Math.min(...widths)).toBeGreaterThan(340);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(artifacts, 'complaints-phone.png'), fullPage: true });
    await page.close();
  });

  /**
   * Phone (390×844) and laptop (1440×900), Chinese and English: nothing wider than the screen, no figure, heading or
   * table column running out of its card (element boxes measured, not only pictures taken).
   */
  const layouts = DASHBOARDS.flatMap((d) => ([['phone', 390, 844], ['laptop', 1440, 900]] as const).flatMap(([device, width, height]) => (['zh', 'en'] as const).map((lang) => [d.id, device, width, height, lang] as const)));
  it.each(layouts)('%s on a %s (%i×%i) in %s: nothing overflows', async (id, device, width, height, lang) => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.addInitScript((l) => localStorage.setItem('sl-lang', l), lang);
    await page.goto(`${base}/dashboards?token=${gm}#${id}`);
    await settled(page);
    await page.waitForTimeout(300);
    const problems = await page.evaluate((vw) => {
      const out: string[] = [];
      if (document.documentElement.scrollWidth > vw) out.push(`page is ${document.documentElement.scrollWidth}px wide`);
      document.querySelectorAll<HTMLElement>('.card').forEach((card) => {
        const name = card.dataset.panel;
        const box = card.getBoundingClientRect();
        if (box.right > vw + 0.5 || box.left < -0.5) out.push(`${name}: card outside the screen`);
        card.querySelectorAll<HTMLElement>('h2, p.desc, .value, .chart, .tablewrap, .error, .empty').forEach((e) => {
          const r = e.getBoundingClientRect();
          if (r.right > box.right + 0.5 || r.left < box.left - 0.5) out.push(`${name}: ${e.className || e.tagName} outside its card`);
          if ((e.tagName === 'H2' || e.classList.contains('value')) && e.scrollWidth > e.clientWidth + 1) out.push(`${name}: ${e.tagName} text cut (${e.scrollWidth} > ${e.clientWidth})`);
        });
        card.querySelectorAll<HTMLElement>('.tablewrap').forEach((w) => {
          const table = w.querySelector('table')!;
          if (table.scrollWidth > w.clientWidth + 1) out.push(`${name}: table columns hidden (${table.scrollWidth} > ${w.clientWidth})`);
        });
      });
      return out;
    }, width);
    expect(problems).toEqual([]);
    expect(await page.$eval('#lang', (b) => b.textContent)).toBe(lang === 'zh' ? 'EN' : '中文');
    mkdirSync(join(artifacts, 'layout'), { recursive: true });
    await page.screenshot({ path: join(artifacts, 'layout', `${id}-${device}-${lang}.png`), fullPage: true });
    await page.close();
  });

  it('the current month is drawn dashed and named partial, threshold and pie labels shown (browser clock on 2 November 2026)', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.clock.setFixedTime(new Date('2026-11-02T04:00:00Z'));
    await page.addInitScript(() => localStorage.setItem('sl-lang', 'en'));
    await page.goto(`${base}/dashboards?token=${gm}#satisfaction`);
    await settled(page);
    type Series = { name: string; data: (number | null)[]; lineStyle?: { type?: string }; markLine?: { label?: { position?: string } } };
    const trend = await page.$eval('.card[data-panel=satisfaction_trend] .chart', (c) => {
      const o = (window as unknown as { echarts: { getInstanceByDom(e: Element): { getOption(): { xAxis: { data: string[] }[]; series: Series[] } } } }).echarts.getInstanceByDom(c).getOption();
      return { labels: o.xAxis[0].data, series: o.series };
    });
    expect(trend.labels.at(-1)).toBe('2026-11 (partial)');
    const solid = trend.series.filter((x) => x.lineStyle?.type !== 'dashed');
    const dashed = trend.series.filter((x) => x.lineStyle?.type === 'dashed');
    expect(dashed.length).toBe(solid.length);
    expect(solid.every((x) => x.data.at(-1) === null)).toBe(true); // the partial month is not on the solid line
    expect(dashed.every((x) => x.data.slice(0, -2).every((v) => v === null))).toBe(true); // dashed: last full month → partial month
    expect(solid[0].markLine?.label?.position).toBe('insideEndTop'); // inside the plot, not clipped at the card's edge
    await page.goto(`${base}/dashboards?token=${gm}#complaints`);
    await settled(page);
    const pie = await page.$eval('.card[data-panel=complaints_by_nature] .chart', (c) =>
      (window as unknown as { echarts: { getInstanceByDom(e: Element): { getOption(): { series: { label: { show: boolean } }[]; legend?: unknown[] } } } }).echarts.getInstanceByDom(c).getOption());
    expect(pie.series[0].label.show).toBe(true);
    expect(pie.legend ?? []).toEqual([]);
    await page.close();
  });

  it('a receptionist sees their own project only, and another project is refused (403)', async () => {
    const { page, requests } = await open(desk, 'sla');
    const options = await page.$$eval('select[name=project] option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(['P01']);
    expect(requests.filter((u) => u.includes('/panels/')).every((u) => u.includes('project=P01'))).toBe(true);
    const res = await fetch(`${base}/api/dashboards/sla/panels/on_time_by_clock/data?project=P02`, { headers: { Authorization: `Bearer ${desk}` } });
    expect(res.status).toBe(403);
    await page.close();
  });

  it('a filter value nobody has gets a clear message naming the filter', async () => {
    const { page } = await open(gm, 'satisfaction');
    await page.evaluate(() => {
      const select = document.querySelector<HTMLSelectElement>('select[name=department]')!;
      select.add(new Option('ghost', 'ghost'));
      select.value = 'ghost';
    });
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('#message:not([hidden])');
    await settled(page);
    expect(await page.textContent('#message')).toBe("部门：unknown department 'ghost'");
    expect(await page.$$eval('.card', (cards) => cards.every((c) => (c as HTMLElement).dataset.state === 'error'))).toBe(true);
    await page.close();
  });

  it('a malformed time range shows a clear message on the page and a 4xx from the API', async () => {
    const { page } = await open(gm, 'sla');
    await page.fill('input[name=from]', '2026-10');
    await page.fill('input[name=to]', '2026-01');
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('#message:not([hidden])');
    expect(await page.textContent('#message')).toBe('到：须晚于开始时间');
    const res = await fetch(`${base}/api/dashboards/sla/panels/on_time_by_clock/data?from=yesterday`, { headers: { Authorization: `Bearer ${gm}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ issues: [{ field: 'from', rule: 'invalid_datetime' }] });
    await page.close();
  });
});
