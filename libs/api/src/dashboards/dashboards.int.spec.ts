import type { INestApplication } from '@nestjs/common';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import type { EventStore } from '@service-ledger/event-store';
import request from 'supertest';
import { TEST_SECRET } from '../../../../test/support/api';
import { sampleCompany } from '../../../../test/support/sample';
import { createApp } from '../app';
import { DashboardsModule } from './dashboards.module';

describe('dashboard API', () => {
  let store: EventStore;
  let db: Analytics;
  let app: INestApplication;
  const tokens = new TokenService(TEST_SECRET);
  const gm = tokens.issue({ staffId: 'demo-gm_office', role: 'gm_office', projects: '*', permissions: [] });
  const desk = tokens.issue({ staffId: 'P01-receptionist-1', role: 'receptionist', projects: ['P01'], permissions: [] });
  const area = tokens.issue({ staffId: 'area-supervisor', role: 'supervisor', projects: ['P01', 'P02'], permissions: [] });
  const data = (token: string, query = '', panel = 'sla/panels/on_time_by_clock') => request(app.getHttpServer()).get(`/api/dashboards/${panel}/data${query}`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 3 }));
    app = await createApp({ store, tokens, logLevel: 'silent', modules: [DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
    await app.init();
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  it('serves the page, its script and ECharts from the package, with no token needed for the shell', async () => {
    const page = await request(app.getHttpServer()).get('/dashboards').expect(200);
    expect(page.text).toContain('/dashboards/assets/echarts.min.js');
    const echarts = await request(app.getHttpServer()).get('/dashboards/assets/echarts.min.js').expect(200);
    expect(echarts.headers['content-type']).toMatch(/javascript/);
    expect(echarts.text.length).toBeGreaterThan(500_000);
    await request(app.getHttpServer()).get('/dashboards/assets/..%2F..%2Fpackage.json').expect(404);
    await request(app.getHttpServer()).get('/dashboards/assets/constructor').expect(404);
  });

  it('gives the catalogue with labels and the filters the user may pick, but never the SQL', async () => {
    const res = await request(app.getHttpServer()).get('/api/dashboards').set('Authorization', `Bearer ${desk}`).expect(200);
    expect(res.body.dashboards.map((d: { id: string }) => d.id)).toEqual(['sla', 'satisfaction', 'complaints', 'repairs', 'staff']);
    expect(JSON.stringify(res.body)).not.toMatch(/"sql"|SELECT /);
    expect(res.body.filters.projects.map((p: { project_id: string }) => p.project_id)).toEqual(['P01']);
    expect(res.body.filters.staff.every((s: { staffId: string }) => !s.staffId.startsWith('P02-'))).toBe(true);
    expect(res.body.labels.values.repair_fix.zh).toBe('维修修复（24/72小时）');
    const panel = res.body.dashboards[0].panels.find((p: { id: string }) => p.id === 'at_risk_now');
    expect(panel).toMatchObject({ time: false, filters: ['project', 'staff'] });
    await request(app.getHttpServer()).get('/api/dashboards').expect(401);
  });

  it('a receptionist without a project filter is held to their project; another project is refused (403)', async () => {
    expect((await data(desk).expect(200)).body.filters.projects).toEqual(['P01']);
    expect((await data(desk, '?project=P02').expect(403)).body.message).toMatch(/P02/);
  });

  it('a token over several projects sees those projects together when no project is chosen', async () => {
    const res = await data(area, '', 'sla/panels/worst_projects').expect(200);
    expect(res.body.filters.projects).toEqual(['P01', 'P02']);
    expect(res.body.rows.map((r: { label: string }) => r.label).sort()).toEqual(['P01', 'P02']);
  });

  it('a project filter narrows the data', async () => {
    const res = await data(gm, '?project=P02', 'sla/panels/worst_projects').expect(200);
    expect(res.body.rows.map((r: { label: string }) => r.label)).toEqual(['P02']);
  });

  it.each([
    ['?department=ghost', 'department', 'unknown'],
    ['?staff=nobody', 'staff', 'unknown'],
    ['?project=P99', 'project', 'unknown'],
    ['?from=yesterday', 'from', 'invalid_datetime'],
    ['?from=2026-10&to=2026-01', 'to', 'after_from'],
    ['?projet=P01', 'projet', 'unknown_parameter'],
    ['?project=P01&project=P02', 'project', 'single_value'],
  ])('%s is a 400 naming %s, not an empty chart', async (query, field, rule) => {
    const res = await data(gm, query).expect(400);
    expect(res.body.issues[0]).toMatchObject({ field, rule });
    expect(JSON.stringify(res.body)).not.toMatch(/Exception|SELECT|at \w+ \(/);
  });

  it('an unknown dashboard or panel is a 404', async () => {
    await data(gm, '', 'nope/panels/x').expect(404);
    await data(gm, '', 'sla/panels/nope').expect(404);
  });

  it('injection strings in every filter get a 4xx naming the filter, and the tables stay intact', async () => {
    const before = await db.query<{ n: string }>('SELECT count() AS n FROM {{cases}}');
    for (const field of ['project', 'department', 'staff', 'from', 'to']) {
      for (const attack of ["P01' OR 1=1 --", "x'); DROP TABLE cases; --", '1 UNION SELECT name FROM system.tables', '{project:String}']) {
        const res = await data(gm, `?${field}=${encodeURIComponent(attack)}`);
        expect(res.status).toBe(400);
        expect(res.body.issues[0].field).toBe(field);
        expect(JSON.stringify(res.body)).not.toMatch(/Exception|SELECT \w+ FROM/);
      }
    }
    expect(await db.query<{ n: string }>('SELECT count() AS n FROM {{cases}}')).toEqual(before);
  });
});
