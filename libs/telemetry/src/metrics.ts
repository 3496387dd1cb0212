import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one process. The application's names start with `sl_` (the standard process_* and nodejs_* metrics keep theirs); every label takes a bounded set of values (command
 * names from the catalogue or `unknown`, outcome classes, table names, dependency names), so a caller cannot grow the
 * series by sending made-up names. The instruments of a part (commands, relay, projector…) exist only in the process
 * that runs it: a relay does not publish an always-zero command histogram.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly groups = new Map<string, unknown>();

  constructor(readonly process: string) {
    collectDefaultMetrics({ register: this.registry });
    // The runtime's version tells an attacker which CVEs apply; operators read it from the image tag instead.
    this.registry.removeSingleMetric('nodejs_version_info');
    // Gauges that prom-client names like counters (promtool: "non-counter metrics should not have _total suffix");
    // nodejs_active_handles / nodejs_active_requests / nodejs_active_resources carry the same figures.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
  }

  private group<T>(name: string, make: (registers: Registry[]) => T): T {
    let g = this.groups.get(name) as T | undefined;
    if (!g) this.groups.set(name, (g = make([this.registry])));
    return g;
  }

  /** Whether each dependency answers (1) or not (0), as /health last saw it. */
  get dependencies() {
    return this.group('dependencies', (registers) => ({
      up: new Gauge({ name: 'sl_dependency_up', help: 'Whether a dependency answered the last health probe (1) or not (0)', labelNames: ['dependency'], registers }),
    }));
  }

  get commands() {
    return this.group('commands', (registers) => ({
      total: new Counter({ name: 'sl_commands_total', help: 'Commands by name and outcome', labelNames: ['command', 'outcome'], registers }),
      duration: new Histogram({
        name: 'sl_command_duration_seconds', help: 'Command latency from validated request to stored events, by command and outcome', labelNames: ['command', 'outcome'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
      }),
    }));
  }

  /** The global log as the store's readers see it (relay, store-fed projector). */
  get globalLog() {
    return this.group('globalLog', (registers) => ({
      head: new Gauge({ name: 'sl_event_store_head_position', help: 'Highest global position in the event store', registers }),
      heldEvents: new Gauge({ name: 'sl_global_log_held_events', help: 'Committed events the global log does not yet show, held behind an older open transaction in the cluster', registers }),
      heldSeconds: new Gauge({ name: 'sl_global_log_held_seconds', help: 'Age of the oldest committed event held behind an open transaction (0 when none)', registers }),
      blockerSeconds: new Gauge({ name: 'sl_global_log_blocker_age_seconds', help: 'Age of the oldest transaction with an id in the PostgreSQL cluster (open or prepared), which holds the global-log fence', registers }),
    }));
  }

  get relay() {
    return this.group('relay', (registers) => ({
      lagEvents: new Gauge({ name: 'sl_relay_lag_events', help: 'Global positions between the store head and the relay checkpoint', registers }),
      lagSeconds: new Gauge({ name: 'sl_relay_lag_seconds', help: 'Age of the oldest stored event the relay has not published (0 when caught up)', registers }),
      batchSize: new Histogram({ name: 'sl_relay_batch_events', help: 'Events per published batch', buckets: [1, 10, 100, 500, 1000, 5000], registers }),
      batchDuration: new Histogram({ name: 'sl_relay_batch_duration_seconds', help: 'Time to publish a batch until the broker acknowledged it', buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers }),
      published: new Counter({ name: 'sl_relay_published_events_total', help: 'Events acknowledged by the broker', registers }),
      errors: new Counter({ name: 'sl_relay_errors_total', help: 'Failed relay rounds (read, publish or checkpoint), each retried with backoff', registers }),
    }));
  }

  get projector() {
    return this.group('projector', (registers) => ({
      lagEvents: new Gauge({ name: 'sl_projector_lag_events', help: 'Events not yet projected (store head minus checkpoint, or Kafka consumer-group lag)', registers }),
      lagSeconds: new Gauge({ name: 'sl_projector_lag_seconds', help: 'How far behind the projection is, in seconds (0 when caught up)', registers }),
      position: new Gauge({ name: 'sl_projector_position', help: 'Global position of the last projected event', registers }),
      batchSize: new Histogram({ name: 'sl_projector_batch_events', help: 'Events per projected batch', buckets: [1, 10, 100, 1000, 5000, 20000], registers }),
      batchDuration: new Histogram({ name: 'sl_projector_batch_duration_seconds', help: 'Time to fold and write a batch', buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers }),
      errors: new Counter({ name: 'sl_projector_errors_total', help: 'Batches that failed to project (retried with backoff, never skipped)', registers }),
      quarantined: new Counter({ name: 'sl_quarantined_events_total', help: 'Events the projector could not fold, kept in the quarantine table', registers }),
    }));
  }

  get clickhouse() {
    return this.group('clickhouse', (registers) => ({
      insert: new Histogram({ name: 'sl_clickhouse_insert_duration_seconds', help: 'ClickHouse insert time by table', labelNames: ['table'], buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers }),
      query: new Histogram({ name: 'sl_clickhouse_query_duration_seconds', help: 'ClickHouse query time', labelNames: ['outcome'], buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers }),
    }));
  }

  /** The API's analytics reads: the panel result cache and the limit on concurrent queries (outcomes are a fixed set). */
  get analyticsReads() {
    return this.group('analyticsReads', (registers) => ({
      panelCache: new Counter({ name: 'sl_panel_cache_total', help: 'Panel data requests by cache outcome: hit, miss (queried and kept), shared (joined an identical query in flight), uncacheable (open range or a clock-dependent panel)', labelNames: ['outcome'], registers }),
      panelCacheEntries: new Gauge({ name: 'sl_panel_cache_entries', help: 'Panel results held in the cache', registers }),
      running: new Gauge({ name: 'sl_analytics_reads_running', help: 'Analytics reads of the API running now', registers }),
      waiting: new Gauge({ name: 'sl_analytics_reads_waiting', help: 'Analytics reads of the API queued for a free slot', registers }),
      rejected: new Counter({ name: 'sl_analytics_reads_rejected_total', help: 'Analytics reads answered 503 because the queue was full', registers }),
      wait: new Histogram({ name: 'sl_analytics_read_wait_seconds', help: 'Time an analytics read waited for a slot', buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
    }));
  }

  get kafka() {
    return this.group('kafka', (registers) => ({
      deadLettered: new Counter({ name: 'sl_dead_lettered_messages_total', help: 'Messages sent to a dead-letter topic, by the topic they came from', labelNames: ['source'], registers }),
      intake: new Counter({ name: 'sl_intake_commands_total', help: 'Commands taken from the Kafka intake topic, by outcome', labelNames: ['outcome'], registers }),
    }));
  }

  get exports() {
    return this.group('exports', (registers) => ({
      duration: new Histogram({ name: 'sl_export_duration_seconds', help: 'KPI export time by outcome', labelNames: ['outcome'], buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300], registers }),
    }));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Seconds since a start taken with process.hrtime.bigint(). */
export const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
