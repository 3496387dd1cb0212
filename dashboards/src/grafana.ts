import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, FieldColorBuilder, FieldColorModeId, QueryVariableBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableHide, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarChartBuilder } from '@grafana/grafana-foundation-sdk/barchart';
import { PanelBuilder as GaugeBuilder } from '@grafana/grafana-foundation-sdk/gauge';
import { PieChartLabels, PieChartLegendOptionsBuilder, PanelBuilder as PieChartBuilder } from '@grafana/grafana-foundation-sdk/piechart';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { type Dashboard, DASHBOARDS, type Panel } from './catalogue';
import { toGrafanaSql } from './sql';

/** Fixed so provisioning (infra/grafana/provisioning/datasources) and the dashboards agree with no clicking. */
export const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'service-ledger-clickhouse' };
export const GRAFANA_DATABASE = 'service_ledger';

/**
 * The foundation SDK has no ClickHouse query type: this builder produces the plugin's query model
 * (raw SQL editor; queryType and format decide whether the plugin returns a table or time series frames).
 */
export class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly rawSql: string,
    private readonly queryType: 'table' | 'timeSeries',
  ) {}
  build(): cog.Dataquery {
    return {
      refId: 'A',
      datasource: DATASOURCE,
      editorType: 'sql',
      rawSql: this.rawSql,
      queryType: this.queryType,
      // The plugin's Format enum: 0 = time series, 1 = table.
      format: this.queryType === 'timeSeries' ? 0 : 1,
      _implementsDataqueryVariant: () => undefined,
    } as unknown as cog.Dataquery;
  }
}

const UNITS: Record<Panel['unit'], string> = { percent: 'percentunit', count: 'short', yuan: 'currencyCNY', hours: 'h', score: 'none' };
const WIDTH: Record<Panel['viz'], number> = { stat: 6, gauge: 6, bar: 12, pie: 12, timeseries: 12, table: 24 };

function thresholds(p: Panel) {
  const t = p.thresholds;
  const b = new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute);
  if (!t) return b.steps([{ value: null, color: 'blue' }]);
  return b.steps(t.higherIsWorse ? [{ value: null, color: 'green' }, { value: t.red, color: 'red' }] : [{ value: null, color: 'red' }, { value: t.red, color: 'green' }]);
}

type Common<B> = {
  title(t: string): B;
  description(d: string): B;
  datasource(d: object): B;
  withTarget(q: cog.Builder<cog.Dataquery>): B;
  unit(u: string): B;
  thresholds(t: ThresholdsConfigBuilder): B;
  height(h: number): B;
  span(s: number): B;
};

function panel(p: Panel): cog.Builder<unknown> {
  const query = new ClickHouseQueryBuilder(toGrafanaSql(p.sql, GRAFANA_DATABASE), p.viz === 'timeseries' ? 'timeSeries' : 'table');
  const common = <B extends Common<B>>(b: B) =>
    b.title(`${p.title.zh} · ${p.title.en}`).description(`${p.description.zh}\n\n${p.description.en}`).datasource(DATASOURCE).withTarget(query)
      .unit(UNITS[p.unit]).thresholds(thresholds(p)).height(p.viz === 'stat' || p.viz === 'gauge' ? 5 : 9).span(WIDTH[p.viz]);
  const byThresholds = new FieldColorBuilder().mode(p.thresholds ? FieldColorModeId.Thresholds : FieldColorModeId.PaletteClassic);
  // Every row of a bar or pie result is one bar or slice, not a value to be reduced.
  const everyRow = new ReduceDataOptionsBuilder().values(true).calcs([]);
  const lastValue = new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']);
  switch (p.viz) {
    case 'stat':
      return common(new StatBuilder()).colorScheme(byThresholds).reduceOptions(lastValue);
    case 'gauge':
      return common(new GaugeBuilder()).colorScheme(byThresholds).reduceOptions(lastValue).min(0).max(1).showThresholdMarkers(true);
    case 'timeseries':
      // Long results (t, series, value) become one line per series; name each line by its series only.
      return common(new TimeseriesBuilder()).displayName('${__field.labels.series}');
    case 'bar':
      return common(new BarChartBuilder()).xField('label').orientation(VizOrientation.Horizontal).colorScheme(byThresholds);
    case 'pie':
      return common(new PieChartBuilder())
        .reduceOptions(everyRow)
        .displayLabels([PieChartLabels.Percent])
        .legend(new PieChartLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Right).values([]));
    case 'table':
      return p.columns
        .filter((c) => c.endsWith('_rate'))
        .reduce((b, c) => b.overrideByName(c, [{ id: 'unit', value: 'percentunit' }]), common(new TableBuilder()));
  }
}

function variable(name: string, label: string, sql: string) {
  return new QueryVariableBuilder(name).label(label).datasource(DATASOURCE).query(sql).includeAll(true).multi(true).refresh(VariableRefresh.OnDashboardLoad).hide(VariableHide.DontHide);
}

/** The dashboard variables, each filtered by the ones before it; `$__conditionalAll` drops a filter set to All. */
export const VARIABLE_QUERIES = {
  project: `SELECT project_id FROM ${GRAFANA_DATABASE}.projects FINAL ORDER BY project_id`,
  department: `SELECT DISTINCT department FROM ${GRAFANA_DATABASE}.staff FINAL WHERE department != '' AND $__conditionalAll(hasAny(project_ids, [\${project:singlequote}]), $project) ORDER BY department`,
  staff: `SELECT staff_id FROM ${GRAFANA_DATABASE}.staff FINAL WHERE $__conditionalAll(hasAny(project_ids, [\${project:singlequote}]), $project) AND $__conditionalAll(department IN (\${department:singlequote}), $department) ORDER BY staff_id`,
};

/** Plain dashboard JSON (what file provisioning wants), deterministic for a given catalogue. */
export function grafanaDashboard(d: Dashboard): Record<string, unknown> {
  const b = new DashboardBuilder(`Service Ledger · ${d.title.zh} ${d.title.en}`)
    .uid(`service-ledger-${d.id}`)
    .description(`${d.description.zh} ${d.description.en}`)
    .tags(['service-ledger'])
    .editable()
    .timezone('Asia/Shanghai')
    .time({ from: 'now-11M/M', to: 'now/M' })
    .refresh('5m')
    .withVariable(variable('project', '项目 Project', VARIABLE_QUERIES.project))
    .withVariable(variable('department', '部门 Department', VARIABLE_QUERIES.department))
    .withVariable(variable('staff', '员工 Person', VARIABLE_QUERIES.staff));
  for (const p of d.panels) b.withPanel(panel(p) as never);
  return laidOut(b);
}

/**
 * The built dashboard with its panels laid out left to right in rows of 24 columns and numbered (Grafana needs
 * unique panel ids): the business dashboards and the operations dashboard share it.
 */
export function laidOut(b: DashboardBuilder): Record<string, unknown> {
  const json = b.build() as unknown as { panels: { id?: number; gridPos?: { x: number; y: number; w: number; h: number } }[] };
  let [x, y, rowHeight] = [0, 0, 0];
  json.panels.forEach((p, i) => {
    const { w, h } = p.gridPos!;
    if (x + w > 24) [x, y, rowHeight] = [0, y + rowHeight, 0];
    p.id = i + 1;
    p.gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
  });
  return json as unknown as Record<string, unknown>;
}

export function grafanaDashboards(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(DASHBOARDS.map((d) => [d.id, grafanaDashboard(d)]));
}
