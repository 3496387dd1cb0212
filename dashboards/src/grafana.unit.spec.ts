import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARDS } from './catalogue';
import { grafanaFiles, writeGrafanaDashboards } from './build';
import { PROMETHEUS } from './operations';
import { DATASOURCE } from './grafana';

const REPO = join(__dirname, '..', '..');
type Json = Record<string, any>;
/** The business dashboards (ClickHouse); operations.json is checked on its own below. */
const files = () => Object.fromEntries(Object.entries(grafanaFiles()).filter(([name]) => name !== 'operations.json').map(([name, text]) => [name, JSON.parse(text) as Json]));

describe('Grafana dashboards as code', () => {
  it('build twice into fresh folders gives byte-identical files', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'grafana-a-')), mkdtempSync(join(tmpdir(), 'grafana-b-'))];
    writeGrafanaDashboards(a);
    writeGrafanaDashboards(b);
    const names = readdirSync(a).sort();
    expect(names).toEqual([...DASHBOARDS.map((d) => `${d.id}.json`), 'operations.json'].sort());
    for (const n of names) expect(readFileSync(join(b, n)).equals(readFileSync(join(a, n)))).toBe(true);
  });

  it('the committed dashboards/grafana files are what the catalogue generates (run npm run dashboards:build)', () => {
    for (const [name, text] of Object.entries(grafanaFiles())) expect({ name, text: readFileSync(join(REPO, 'dashboards', 'grafana', name), 'utf8') }).toEqual({ name, text });
  });

  it('has the fields the SDK’s Dashboard type requires, at the SDK’s schema version', () => {
    for (const [name, d] of Object.entries(files())) {
      expect({ name, schemaVersion: d.schemaVersion }).toEqual({ name, schemaVersion: defaultDashboard().schemaVersion });
      expect(typeof d.title).toBe('string');
      expect(d.uid).toBe(`service-ledger-${name.replace('.json', '')}`);
      expect(Array.isArray(d.templating.list)).toBe(true);
      expect(typeof d.annotations).toBe('object');
      expect(d.time).toEqual({ from: 'now-11M/M', to: 'now/M' });
    }
  });

  it('declares project, department and person as ClickHouse query variables (multi-value, with All)', () => {
    for (const d of Object.values(files())) {
      expect(d.templating.list.map((v: Json) => v.name)).toEqual(['project', 'department', 'staff']);
      for (const v of d.templating.list) expect(v).toMatchObject({ type: 'query', datasource: DATASOURCE, includeAll: true, multi: true, query: expect.stringMatching(/^SELECT /) });
    }
  });

  it('every panel has a known type, a unique id, a place on the 24-column grid that overlaps no other, and one ClickHouse SQL target', () => {
    const plugins = ['stat', 'gauge', 'timeseries', 'barchart', 'piechart', 'table'];
    for (const [name, d] of Object.entries(files())) {
      const catalogue = DASHBOARDS.find((x) => `${x.id}.json` === name)!;
      expect(d.panels).toHaveLength(catalogue.panels.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        expect(plugins).toContain(p.type);
        expect(p.datasource).toEqual(DATASOURCE);
        expect(p.fieldConfig?.defaults?.unit).toEqual(expect.any(String));
        expect(p.targets).toEqual([expect.objectContaining({ refId: 'A', datasource: DATASOURCE, editorType: 'sql', queryType: expect.stringMatching(/^(table|timeSeries)$/), rawSql: expect.any(String) })]);
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect(cells.has(`${x},${y}`)).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
      expect(new Set(d.panels.map((p: Json) => p.id)).size).toBe(d.panels.length);
    }
  });

  it('panel SQL uses only the plugin’s macros and the dashboard’s own variables, never the API’s parameters', () => {
    for (const d of Object.values(files())) {
      const vars = new Set(d.templating.list.map((v: Json) => v.name));
      for (const p of d.panels) {
        const sql: string = p.targets[0].rawSql;
        expect(sql).not.toMatch(/\{\{|\{\w+:(String|DateTime64|Array)|\$(TIME|PROJECT|DEPARTMENT|STAFF|TZ)\b/);
        for (const m of sql.matchAll(/\$__(\w+)/g)) expect(['timeFilter', 'fromTime', 'toTime', 'conditionalAll']).toContain(m[1]);
        for (const m of sql.matchAll(/\$\{?(\w+)/g)) if (!m[1].startsWith('__')) expect(vars).toContain(m[1]);
      }
    }
  });

  it('provisioning loads the ClickHouse data source under the fixed uid and the generated files with no clicking', () => {
    const ds = readFileSync(join(REPO, 'infra', 'grafana', 'provisioning', 'datasources', 'clickhouse.yaml'), 'utf8');
    expect(ds).toMatch(new RegExp(`uid: ${DATASOURCE.uid}\\b`));
    expect(ds).toMatch(new RegExp(`type: ${DATASOURCE.type}\\b`));
    expect(ds).toMatch(/defaultDatabase: service_ledger\b/);
    const dash = readFileSync(join(REPO, 'infra', 'grafana', 'provisioning', 'dashboards', 'service-ledger.yaml'), 'utf8');
    const path = /path: (\S+)/.exec(dash)![1];
    const compose = readFileSync(join(REPO, 'infra', 'compose.yaml'), 'utf8');
    expect(compose).toContain(`../dashboards/grafana:${path}`);
    expect(compose).toContain('./grafana/provisioning:/etc/grafana/provisioning');
  });

  it('the operations dashboard: every panel queries the provisioned Prometheus for metrics the processes export', () => {
    const ops = JSON.parse(grafanaFiles()['operations.json']) as Json;
    expect(ops.uid).toBe('service-ledger-operations');
    const exported = readFileSync(join(REPO, 'libs', 'telemetry', 'src', 'metrics.ts'), 'utf8');
    for (const p of ops.panels) {
      expect(p.datasource).toEqual(PROMETHEUS);
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t).toMatchObject({ datasource: PROMETHEUS, expr: expect.any(String) });
        // Each sl_ metric named in a query exists (histograms as _bucket/_sum/_count of a declared name).
        for (const m of t.expr.match(/sl_[a-z_]+/g) ?? []) expect([m, exported.includes(`'${m.replace(/_(bucket|sum|count)$/, '')}'`)]).toEqual([m, true]);
      }
    }
    const ds = readFileSync(join(REPO, 'infra', 'grafana', 'provisioning', 'datasources', 'prometheus.yaml'), 'utf8');
    expect(ds).toMatch(new RegExp(`uid: ${PROMETHEUS.uid}\\b`));
  });
});
