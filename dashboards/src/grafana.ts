import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DashboardBuilder, QueryVariableBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableHide } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarChartBuilder } from '@grafana/grafana-foundation-sdk/barchart';
import { PanelBuilder as PieChartBuilder } from '@grafana/grafana-foundation-sdk/piechart';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { type Dashboard, DASHBOARDS, type Panel } from './catalogue';
import { toGrafanaSql } from './sql';

export const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'service-ledger-clickhouse' };
export const GRAFANA_DATABASE = 'service_ledger';

/** The foundation SDK has no ClickHouse query type: this small builder produces the plugin's query model. */
class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly rawSql: string,
    private readonly format: 'table' | 'timeSeries',
  ) {}
  build(): cog.Dataquery {
    return {
      refId: 'A',
      datasource: DATASOURCE,
      editorType: 'sql',
      rawSql: this.rawSql,
      queryType: this.format,
      format: this.format === 'timeSeries' ? 0 : 1,
      _implementsDataqueryVariant: () => undefined,
    } as unknown as cog.Dataquery;
  }
}

const UNITS: Record<Panel['unit'], string> = { percent: 'percentunit', count: 'short', yuan: 'currencyCNY', hours: 'h' };

function thresholds(p: Panel) {
  const t = p.thresholds;
  const b = new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute);
  if (!t) return b.steps([{ value: null, color: 'green' }]);
  return b.steps(t.higherIsWorse ? [{ value: null, color: 'green' }, { value: t.red, color: 'red' }] : [{ value: null, color: 'red' }, { value: t.red, color: 'green' }]);
}

function panel(p: Panel) {
  const query = new ClickHouseQueryBuilder(toGrafanaSql(p.sql, GRAFANA_DATABASE), p.viz === 'timeseries' ? 'timeSeries' : 'table');
  const common = <B extends { title(t: string): B; description(d: string): B; datasource(d: object): B; withTarget(q: cog.Builder<cog.Dataquery>): B; unit(u: string): B; thresholds(t: ThresholdsConfigBuilder): B; height(h: number): B; span(s: number): B }>(b: B) =>
    b.title(`${p.title.zh} ${p.title.en}`).description(p.description).datasource(DATASOURCE).withTarget(query).unit(UNITS[p.unit]).thresholds(thresholds(p)).height(8).span(p.viz === 'stat' ? 6 : p.viz === 'table' ? 24 : 12);
  switch (p.viz) {
    case 'stat':
      return common(new StatBuilder());
    case 'timeseries':
      return common(new TimeseriesBuilder());
    case 'bar':
      return common(new BarChartBuilder());
    case 'pie':
      return common(new PieChartBuilder());
    case 'table':
      return common(new TableBuilder());
  }
}

function variable(name: string, label: string, sql: string) {
  return new QueryVariableBuilder(name).label(label).datasource(DATASOURCE).query(sql).includeAll(true).multi(true).refresh(1 as never).hide(VariableHide.DontHide);
}

/** Plain dashboard JSON (what file provisioning wants), deterministic for a given catalogue. */
export function grafanaDashboard(d: Dashboard): unknown {
  const b = new DashboardBuilder(`Service Ledger · ${d.title.zh} ${d.title.en}`)
    .uid(`service-ledger-${d.id}`)
    .tags(['service-ledger'])
    .timezone('Asia/Shanghai')
    .time({ from: 'now-12M', to: 'now' })
    .refresh('1m')
    .withVariable(variable('project', 'Project 项目', `SELECT project_id FROM ${GRAFANA_DATABASE}.projects FINAL ORDER BY project_id`))
    .withVariable(variable('department', 'Department 部门', `SELECT DISTINCT department FROM ${GRAFANA_DATABASE}.staff FINAL ORDER BY department`))
    .withVariable(variable('staff', 'Person 员工', `SELECT staff_id FROM ${GRAFANA_DATABASE}.staff FINAL WHERE $__conditionalAll(has(project_ids, \${project:singlequote}), $project) ORDER BY staff_id`));
  for (const p of d.panels) b.withPanel(panel(p));
  const json = b.build() as unknown as { panels: { id?: number; gridPos?: { x: number; y: number; w: number; h: number } }[] };
  // Lay panels out left to right in rows of 24 columns and number them (Grafana needs unique panel ids).
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  json.panels.forEach((panel, i) => {
    const { w, h } = panel.gridPos!;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panel.id = i + 1;
    panel.gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
  });
  return json;
}

export function grafanaDashboards(): Record<string, unknown> {
  return Object.fromEntries(DASHBOARDS.map((d) => [d.id, grafanaDashboard(d)]));
}
