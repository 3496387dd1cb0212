import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analytics } from '@service-ledger/analytics';
import type { EventStore } from '@service-ledger/event-store';
import { sampleCompany } from '../../test/support/sample';
import { DASHBOARDS } from './catalogue';
import { grafanaDashboards, GRAFANA_DATABASE } from './grafana';
import { expandGrafanaMacros, toApiSql } from './sql';

describe('dashboards as code', () => {
  it('generates identical JSON twice, and the committed files are up to date (npm run dashboards:build)', () => {
    const a = JSON.stringify(grafanaDashboards());
    const b = JSON.stringify(grafanaDashboards());
    expect(a).toBe(b);
    for (const [id, json] of Object.entries(grafanaDashboards())) {
      expect(readFileSync(join(__dirname, '..', 'grafana', `${id}.json`), 'utf8')).toBe(`${JSON.stringify(json, null, 2)}\n`);
    }
  });

  it('is valid Grafana dashboard JSON: uid, schema version, variables, panels with ClickHouse targets on a 24-column grid', () => {
    for (const [id, d] of Object.entries(grafanaDashboards()) as [string, any][]) {
      expect(d.uid).toBe(`service-ledger-${id}`);
      expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(d.templating.list.map((v: { name: string }) => v.name)).toEqual(['project', 'department', 'staff']);
      const ids = new Set<number>();
      for (const p of d.panels) {
        expect(['stat', 'timeseries', 'barchart', 'piechart', 'table']).toContain(p.type);
        expect(p.datasource).toEqual({ type: 'grafana-clickhouse-datasource', uid: 'service-ledger-clickhouse' });
        expect(p.targets).toHaveLength(1);
        expect(p.targets[0]).toMatchObject({ editorType: 'sql', refId: 'A' });
        expect(p.targets[0].rawSql).not.toMatch(/\{\{|\{project:String\}/);
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        expect(ids.has(p.id)).toBe(false);
        ids.add(p.id);
      }
    }
  });

  describe('every panel’s SQL runs on chDB against sample data', () => {
    let store: EventStore;
    let db: Analytics;
    let until: Date;
    beforeAll(async () => {
      ({ store, db, until } = await sampleCompany({ projects: 2, months: 4 }));
    }, 180_000);
    afterAll(async () => {
      await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await store.close();
    });
    const range = () => ({ from: new Date(until.getTime() - 120 * 24 * 3600_000), to: until });
    const panels = DASHBOARDS.flatMap((d) => d.panels.map((p) => [d.id, p.id, p] as const));

    it.each(panels)('%s/%s as Grafana sends it (macros expanded) returns the panel’s columns', async (_d, _p, panel) => {
      const grafana = grafanaDashboards() as Record<string, any>;
      const target = Object.values(grafana).flatMap((d: any) => d.panels).find((x: any) => x.title.endsWith(panel.title.en)).targets[0].rawSql as string;
      for (const vars of [{}, { project: 'P01' }]) {
        const sql = expandGrafanaMacros(target, range(), vars).replaceAll(`${GRAFANA_DATABASE}.`, `\`${db.database}\`.`);
        const rows = await db.query<Record<string, unknown>>(sql);
        if (rows.length) expect(Object.keys(rows[0])).toEqual(panel.columns);
      }
    });

    it.each(panels)('%s/%s through the API’s parameters returns rows', async (_d, _p, panel) => {
      const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
      const rows = await db.query<Record<string, unknown>>(toApiSql(panel.sql, (t) => db.table(t)), { from: ch(range().from), to: ch(range().to), project: '', department: '', staff: '' });
      expect(rows.length).toBeGreaterThan(0);
      expect(Object.keys(rows[0])).toEqual(panel.columns);
    });
  });
});
