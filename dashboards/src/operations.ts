import { DashboardBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { laidOut } from './grafana';

/** The Prometheus that scrapes every process's /metrics (provisioned under this uid). */
export const PROMETHEUS = { type: 'prometheus', uid: 'service-ledger-prometheus' };

/**
 * One panel of the operations dashboard: PromQL over the processes' metrics, with what the alarm means in the
 * description (the README's runbook says the same in more words).
 */
export interface OperationsPanel {
  title: string;
  description: string;
  /** One query per line of the panel, with its legend. */
  queries: { expr: string; legend: string }[];
  unit: string;
  viz: 'stat' | 'timeseries';
  /** Red at or above this value. */
  red?: number;
}

export const OPERATIONS_PANELS: OperationsPanel[] = [
  { title: 'Dependencies up', description: '1 = the dependency answered the last /health probe of that process. 0 on eventStore: commands get 503; on kafka: relay/projector/intake wait; on analytics: KPIs fail.', queries: [{ expr: 'min by (job, dependency) (sl_dependency_up)', legend: '{{job}} {{dependency}}' }], unit: 'short', viz: 'stat' },
  { title: 'Global log held (events)', description: 'Committed events no reader can see because an older transaction is open somewhere in the PostgreSQL cluster. /health (globalLog) names the backend: end it (pg_terminate_backend) or finish the prepared transaction.', queries: [{ expr: 'max(sl_global_log_held_events)', legend: 'held' }], unit: 'short', viz: 'stat', red: 1 },
  { title: 'Oldest held event / blocking transaction age', description: 'How long events have been held, and how old the oldest transaction with an id in the cluster is.', queries: [{ expr: 'max(sl_global_log_held_seconds)', legend: 'held for' }, { expr: 'max(sl_global_log_blocker_age_seconds)', legend: 'blocker age' }], unit: 's', viz: 'timeseries', red: 30 },
  { title: 'Commands by outcome', description: 'Commands per second by outcome (accepted, duplicate, invalid, rejected, conflict, forbidden, not_found, unavailable, error). "unavailable" means the event store is down; "error" is a bug to look at.', queries: [{ expr: 'sum by (outcome) (rate(sl_commands_total[5m]))', legend: '{{outcome}}' }], unit: 'reqps', viz: 'timeseries' },
  { title: 'Command latency p95', description: '95th percentile from validated request to stored events, by command.', queries: [{ expr: 'histogram_quantile(0.95, sum by (le, command) (rate(sl_command_duration_seconds_bucket[5m])))', legend: '{{command}}' }], unit: 's', viz: 'timeseries', red: 1 },
  { title: 'Event store head', description: 'Highest global position in the store.', queries: [{ expr: 'max(sl_event_store_head_position)', legend: 'head' }], unit: 'short', viz: 'timeseries' },
  { title: 'Relay lag', description: 'Seconds since the oldest unpublished event was stored. Growing: broker down (kafka check) or the global log held.', queries: [{ expr: 'max(sl_relay_lag_seconds)', legend: 'seconds' }], unit: 's', viz: 'timeseries', red: 60 },
  { title: 'Projector lag', description: 'Seconds behind (Kafka group lag or store checkpoint). Growing with projector errors: ClickHouse refuses writes.', queries: [{ expr: 'max(sl_projector_lag_seconds)', legend: 'seconds' }, { expr: 'sum(sl_projector_lag_events)', legend: 'events' }], unit: 's', viz: 'timeseries', red: 60 },
  { title: 'Relay and projector errors', description: 'Failed rounds per second; each is retried with backoff, nothing is skipped. Sustained: read the process log (first failure at error level, with correlation ids).', queries: [{ expr: 'sum(rate(sl_relay_errors_total[5m]))', legend: 'relay' }, { expr: 'sum(rate(sl_projector_errors_total[5m]))', legend: 'projector' }], unit: 'ops', viz: 'timeseries' },
  { title: 'Batch duration p95', description: 'Relay publish (until acknowledged) and projector fold+write per batch.', queries: [{ expr: 'histogram_quantile(0.95, sum by (le) (rate(sl_relay_batch_duration_seconds_bucket[5m])))', legend: 'relay' }, { expr: 'histogram_quantile(0.95, sum by (le) (rate(sl_projector_batch_duration_seconds_bucket[5m])))', legend: 'projector' }], unit: 's', viz: 'timeseries' },
  { title: 'ClickHouse insert p95 by table', description: 'Insert time per table; a slow table holds back every batch.', queries: [{ expr: 'histogram_quantile(0.95, sum by (le, table) (rate(sl_clickhouse_insert_duration_seconds_bucket[5m])))', legend: '{{table}}' }], unit: 's', viz: 'timeseries' },
  { title: 'Dead-lettered and quarantined (last hour)', description: 'Messages Kafka consumers could not read (events.dlq, commands.dlq) and events the projector could not fold (quarantine table). Any: inspect the topic or table for the reason.', queries: [{ expr: 'sum by (source) (increase(sl_dead_lettered_messages_total[1h]))', legend: 'dead-lettered {{source}}' }, { expr: 'sum(increase(sl_quarantined_events_total[1h]))', legend: 'quarantined' }], unit: 'short', viz: 'timeseries', red: 1 },
  { title: 'Kafka intake outcomes', description: 'Commands from front-desk systems per second by outcome.', queries: [{ expr: 'sum by (outcome) (rate(sl_intake_commands_total[5m]))', legend: '{{outcome}}' }], unit: 'ops', viz: 'timeseries' },
  { title: 'Panel reads: cache and queue', description: 'Panel answers per second by cache outcome (hit, miss, shared with an identical query in flight, uncacheable: open range or clock-dependent), and analytics reads waiting for one of the API\'s read slots. A long queue: more API instances or a bigger ClickHouse.', queries: [{ expr: 'sum by (outcome) (rate(sl_panel_cache_total[5m]))', legend: '{{outcome}}' }, { expr: 'max(sl_analytics_reads_waiting)', legend: 'waiting' }], unit: 'short', viz: 'timeseries' },
  { title: 'Analytics reads refused (last hour)', description: 'Reads answered 503 overloaded (with Retry-After) because the API\'s read queue was full; commands never wait for reads. Any: the API is short of analytics capacity.', queries: [{ expr: 'sum(increase(sl_analytics_reads_rejected_total[1h]))', legend: 'refused' }, { expr: 'histogram_quantile(0.95, sum by (le) (rate(sl_analytics_read_wait_seconds_bucket[5m])))', legend: 'wait p95 (s)' }], unit: 'short', viz: 'timeseries', red: 1 },
  { title: 'Monthly export duration', description: 'Scheduled KPI export time by outcome; "failed" also shows in the scheduler\'s /health (monthlyExport).', queries: [{ expr: 'max by (outcome) (rate(sl_export_duration_seconds_sum[1d]) / rate(sl_export_duration_seconds_count[1d]))', legend: '{{outcome}}' }], unit: 's', viz: 'timeseries' },
];

/** The operations dashboard: built by the same SDK and layout as the business dashboards, over Prometheus. */
export function operationsDashboard(): Record<string, unknown> {
  const b = new DashboardBuilder('Service Ledger · 运维 Operations')
    .uid('service-ledger-operations')
    .description('Health, lag, errors and latency of the api, relay, projector, scheduler and intake processes (their /metrics, scraped by Prometheus).')
    .tags(['service-ledger', 'operations'])
    .editable()
    .timezone('Asia/Shanghai')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s');
  for (const p of OPERATIONS_PANELS) {
    const steps = p.red === undefined ? [{ value: null, color: 'green' }] : [{ value: null, color: 'green' }, { value: p.red, color: 'red' }];
    const builder = p.viz === 'stat' ? new StatBuilder() : new TimeseriesBuilder();
    builder.title(p.title).description(p.description).datasource(PROMETHEUS).unit(p.unit).thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps)).height(p.viz === 'stat' ? 5 : 8).span(p.viz === 'stat' ? 12 : 12);
    p.queries.forEach((q, i) => builder.withTarget(new DataqueryBuilder().refId(String.fromCharCode(65 + i)).datasource(PROMETHEUS).expr(q.expr).legendFormat(q.legend)));
    b.withPanel(builder as never);
  }
  return laidOut(b);
}
