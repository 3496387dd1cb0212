import { bulkEvents } from '@service-ledger/seed';
import { testAnalytics } from '../../../../test/support/chdb';
import type { Analytics } from '../client';
import { Projector } from '../projector/projector';
import { groupedKpiSql, kpiScans, runKpis, runKpisByProject } from './run';
import { KPIS } from './definitions';

/** The monthly export's one grouped pass over all projects against the KPI set run once per project. */
describe('KPIs of every project in one grouped pass', () => {
  let db: Analytics;
  const month = '2026-04';

  beforeAll(async () => {
    db = await testAnalytics('grouped');
    const projector = new Projector(db);
    for (const batch of bulkEvents({ projects: 3, months: 3, seed: 4, until: new Date('2026-05-31T00:00:00Z') }, 5000)) await projector.handle(batch);
  }, 120_000);
  afterAll(() => db.command(`DROP DATABASE IF EXISTS \`${db.database}\``));

  it('equals runKpis per project and for the company, with and without a department filter', async () => {
    for (const department of ['', 'engineering']) {
      const grouped = await runKpisByProject(db, { month, department });
      expect(grouped.company).toEqual(await runKpis(db, { month, department }));
      for (const project of ['P01', 'P02', 'P03']) expect({ project, kpis: grouped.project(project) }).toEqual({ project, kpis: await runKpis(db, { month, project, department }) });
    }
    // The month has cases in every KPI, or the comparison proves little.
    const company = (await runKpisByProject(db, { month })).company;
    expect(company.filter((k) => k.denominator === 0).map((k) => k.id)).toEqual([]);
  });

  it('a project filter, and a project with nothing in the month, give the same as the per-project run', async () => {
    const one = await runKpisByProject(db, { month, project: 'P02' });
    expect(one.project('P02')).toEqual(await runKpis(db, { month, project: 'P02' }));
    expect(one.company).toEqual(one.project('P02'));
    expect(one.project('P01').every((k) => k.numerator === 0 && k.denominator === 0)).toBe(true);
    expect((await runKpisByProject(db, { month, project: 'NONE' })).project('NONE')).toEqual(await runKpis(db, { month, project: 'NONE' }));
  });

  it('KPIs share a scan only with the same table, filters and month column; a KPI with a window of its own is read alone', () => {
    const scans = kpiScans();
    expect(scans.flat().map((k) => k.id).sort()).toEqual(KPIS.map((k) => k.id).sort());
    expect(scans.length).toBeLessThan(KPIS.length / 2);
    for (const scan of scans) {
      expect(new Set(scan.map((k) => JSON.stringify([k.query.source, k.query.filters, k.query.month]))).size).toBe(1);
      if (scan.some((k) => !k.query.month || k.query.numerator.window || k.query.denominator.window)) expect(scan).toHaveLength(1);
    }
    expect(scans.find((s) => s.some((k) => k.id === 'rework_rate'))).toHaveLength(1);
  });

  it('the grouped pass is rendered from the same parts as the KPI run: the same figures and the same conditions', () => {
    for (const kpi of KPIS) {
      const grouped = groupedKpiSql(kpi);
      expect(grouped).toMatch(/GROUP BY GROUPING SETS \(\(project_id\), \(\)\)$/);
      expect(grouped).toContain(kpi.sql.slice('SELECT '.length));
    }
  });
});
