import { isAbsolute, relative, resolve } from 'node:path';
import { ROLES } from '@service-ledger/core';
import { z } from 'zod';
import { type AlertRoute, parseAlertRoutes } from './alert-routes';

/**
 * Every setting comes from an environment variable, validated at start-up. One table drives the parser,
 * the error messages and the README's configuration table.
 */
interface Setting {
  env: string;
  default?: string;
  description: string;
  schema: z.ZodType;
}

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const SETTINGS = {
  store: { env: 'SL_STORE', default: 'pglite', description: 'Event store adapter: pglite (embedded), postgres or kurrentdb', schema: z.enum(['pglite', 'postgres', 'kurrentdb']) },
  dataDir: { env: 'SL_DATA_DIR', default: './.data', description: 'Folder for embedded data (PGlite store, chDB analytics, demo secret, exports)', schema: z.string().min(1) },
  postgresUrl: { env: 'SL_POSTGRES_URL', description: 'PostgreSQL connection URL (SL_STORE=postgres)', schema: z.string().startsWith('postgres').optional() },
  kurrentdbUrl: { env: 'KURRENTDB_URL', description: 'KurrentDB connection string (SL_STORE=kurrentdb)', schema: z.string().startsWith('kurrentdb').optional() },
  analytics: { env: 'SL_ANALYTICS', default: 'chdb', description: 'Analytics store: chdb (embedded ClickHouse) or clickhouse (server over HTTP)', schema: z.enum(['chdb', 'clickhouse']) },
  clickhouseUrl: { env: 'SL_CLICKHOUSE_URL', default: 'http://127.0.0.1:8123', description: 'ClickHouse HTTP URL (SL_ANALYTICS=clickhouse)', schema: z.url() },
  clickhouseUser: { env: 'SL_CLICKHOUSE_USER', default: 'default', description: 'ClickHouse user', schema: z.string() },
  clickhousePassword: { env: 'SL_CLICKHOUSE_PASSWORD', default: '', description: 'ClickHouse password', schema: z.string() },
  clickhouseDatabase: { env: 'SL_CLICKHOUSE_DATABASE', default: 'service_ledger', description: 'ClickHouse database for the projections', schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) },
  host: { env: 'SL_HOST', default: '127.0.0.1', description: 'Address the API listens on', schema: z.string().min(1) },
  port: { env: 'SL_PORT', default: '3000', description: 'Port the API listens on (0 = any free port)', schema: int(0, 65535) },
  timeZone: { env: 'SL_TIMEZONE', default: 'Asia/Shanghai', description: 'Time zone for months, working hours and exports', schema: z.string().min(1) },
  analyticsReadConcurrency: { env: 'SL_ANALYTICS_READ_CONCURRENCY', default: '2', description: 'Panel, KPI and dashboard reads the API runs against ClickHouse at once (commands never wait for them); two chDB queries side by side took 1.5× one after the other on 2 cores', schema: int(1, 64) },
  analyticsReadQueue: { env: 'SL_ANALYTICS_READ_QUEUE', default: '100', description: 'Reads that may wait for a slot; past that the API answers 503 overloaded with Retry-After', schema: int(0, 100000) },
  panelCacheEntries: { env: 'SL_PANEL_CACHE_ENTRIES', default: '500', description: 'Panel answers kept per API process (closed time ranges only, keyed by projection position and the caller\'s scope); 0 keeps none', schema: int(0, 1000000) },
  aggregateRefreshMs: { env: 'SL_AGGREGATE_REFRESH_MS', default: '1000', description: 'Monthly aggregates are recomputed from the tables at most this often (ms) while the projector writes, and within this long of its last write; 0 recomputes after every batch. Answers report the position through which tables and aggregates agree', schema: int(0, 3600000) },
  authSecret: { env: 'SL_AUTH_SECRET', description: 'HMAC secret for bearer tokens (≥ 32 chars); embedded mode generates one in the data dir when unset', schema: z.string().min(32).optional() },
  logLevel: { env: 'SL_LOG_LEVEL', default: 'info', description: 'Log level: fatal, error, warn, info, debug, trace', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  seedOnFirstRun: { env: 'SL_SEED', default: 'true', description: 'Seed a small sample company on first start when the store is empty', schema: bool },
  projector: { env: 'SL_PROJECTOR', default: 'true', description: 'Run the projector in the API process (embedded shape)', schema: bool },
  kafkaBrokers: { env: 'SL_KAFKA_BROKERS', description: 'Comma-separated Kafka brokers (distributed shape: relay and projector)', schema: z.string().optional() },
  kafkaTopicPrefix: { env: 'SL_KAFKA_TOPIC_PREFIX', default: 'service-ledger', description: 'Prefix of the Kafka topics', schema: z.string().regex(/^[A-Za-z0-9._-]+$/) },
  kafkaPartitions: { env: 'SL_KAFKA_PARTITIONS', default: '6', description: 'Partitions of the events topic', schema: int(1, 1000) },
  kafkaReplicationFactor: { env: 'SL_KAFKA_REPLICATION_FACTOR', default: '1', description: 'Replicas of each topic when this deployment creates them (3 on a production cluster; at most the number of brokers)', schema: int(1, 16) },
  kafkaRetentionHours: { env: 'SL_KAFKA_RETENTION_HOURS', default: '168', description: 'How long topics keep messages when this deployment creates them; projections are rebuilt from the store, never from the topic', schema: int(1, 87600) },
  opsHost: { env: 'SL_OPS_HOST', default: '127.0.0.1', description: 'Address of the ops listener (GET /health, GET /metrics) of the relay, projector, scheduler and, when SL_OPS_PORT is set, the API', schema: z.string().min(1) },
  opsPort: { env: 'SL_OPS_PORT', description: 'Port of the ops listener; relay, projector and scheduler default to 9464 (give each process on one host its own), the API opens one only when set (0 = any free port)', schema: int(0, 65535).optional() },
  metricsToken: { env: 'SL_METRICS_TOKEN', description: 'Bearer token /metrics requires (≥ 16 chars). Unset: the API port does not serve /metrics at all, only the loopback ops listener does', schema: z.string().min(16).optional() },
  stallAlertSeconds: { env: 'SL_STALL_ALERT_SECONDS', default: '10', description: 'Committed events held this long behind an open transaction in the PostgreSQL cluster make /health degraded and name the blocking backend', schema: int(1, 3600) },
  kafkaSessionTimeoutMs: { env: 'SL_KAFKA_SESSION_TIMEOUT_MS', default: '10000', description: 'Kafka consumer session timeout: how long a crashed projector holds its partitions before the group moves them (heartbeat every fifth of it)', schema: int(6000, 300000) },
  intakeStaffId: { env: 'SL_INTAKE_STAFF_ID', description: 'Producer identity of the Kafka command intake (start:intake); each message names the staff member who did the work, whose role must be SL_INTAKE_ROLE', schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() },
  intakeRole: { env: 'SL_INTAKE_ROLE', default: 'receptionist', description: 'Role of the intake producer identity (the catalogue\'s role checks apply to it)', schema: z.enum(ROLES as [string, ...string[]]) },
  intakeProjects: { env: 'SL_INTAKE_PROJECTS', description: 'Comma-separated projects the intake producer may write to, or * for all', schema: z.string().regex(/^(\*|[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64})*)$/).optional() },
  exportDir: { env: 'SL_EXPORT_DIR', description: 'Where the scheduled monthly KPI export is written (default <data dir>/exports)', schema: z.string().optional() },
  exportCron: { env: 'SL_EXPORT_AT', default: '06:00', description: 'Local time on the 1st of each month for the scheduled export', schema: z.string().regex(/^\d{2}:\d{2}$/) },
  sealer: { env: 'SL_SEALER', default: 'true', description: 'Run the sealer in this process: it chains the global log and signs checkpoints (embedded shape; the scheduler in the distributed shape)', schema: bool },
  checkpointKey: { env: 'SL_CHECKPOINT_KEY', description: 'Ed25519 private key (PKCS#8 PEM file, `service-ledger audit keygen`) the sealer signs checkpoints with; must live outside SL_DATA_DIR. Unset: checkpoints are unsigned', schema: z.string().min(1).optional() },
  checkpointPublicKey: { env: 'SL_CHECKPOINT_PUBLIC_KEY', description: 'Trusted public key (PEM file) `audit verify` checks checkpoint signatures with (default: derived from SL_CHECKPOINT_KEY)', schema: z.string().min(1).optional() },
  checkpointDir: { env: 'SL_CHECKPOINT_DIR', description: 'Folder of its own for checkpoint copies (with the entries each covers), outside SL_DATA_DIR; `audit verify` reads it too', schema: z.string().min(1).optional() },
  checkpointEveryEvents: { env: 'SL_CHECKPOINT_EVERY_EVENTS', default: '1000', description: 'A signed checkpoint every this many events', schema: int(1, 10_000_000) },
  checkpointEveryMinutes: { env: 'SL_CHECKPOINT_EVERY_MINUTES', default: '10', description: '…and at least this often while events arrive', schema: int(1, 10_080) },
  auditTimeTolerance: { env: 'SL_AUDIT_TIME_TOLERANCE_SECONDS', default: '300', description: 'How far recorded time may go backwards along the global order before `audit verify` reports it', schema: int(0, 86_400) },
  alertRoutes: { env: 'SL_ALERT_ROUTES', default: '[]', description: 'Alert webhooks per project and role: a JSON array of {name, project (id or *), role, kind (json, wecom, dingtalk), url or urlEnv, secretEnv} (README: alerts); the notifier runs when it is not empty', schema: z.string() },
  alertPollSeconds: { env: 'SL_ALERT_POLL_SECONDS', default: '30', description: 'How often the notifier looks at the clocks', schema: int(1, 3600) },
  alertLookbackHours: { env: 'SL_ALERT_LOOKBACK_HOURS', default: '24', description: 'Thresholds crossed longer ago than this raise no alert (imports of old records page nobody)', schema: int(1, 24 * 90) },
  alertAttempts: { env: 'SL_ALERT_ATTEMPTS', default: '5', description: 'Tries per alert and route before it goes to the dead-letter list', schema: int(1, 20) },
  alertBackoffMs: { env: 'SL_ALERT_BACKOFF_MS', default: '2000', description: 'First retry delay; each later retry waits twice as long', schema: int(1, 600_000) },
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
export type Config = Omit<{ [K in keyof Settings]: z.output<Settings[K]['schema']> }, 'alertRoutes'> & {
  /** SL_ALERT_ROUTES resolved: URLs and secrets read from the variables the routes name. */
  alertRoutes: AlertRoute[];
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(SETTINGS) as [string, Setting][]) {
    const raw = env[s.env] === '' && s.default === undefined ? undefined : (env[s.env] ?? s.default);
    const parsed = s.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${s.env}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const alerts = parseAlertRoutes(typeof out.alertRoutes === 'string' ? out.alertRoutes : '[]', env);
  problems.push(...alerts.problems);
  out.alertRoutes = alerts.routes;
  const config = out as Config;
  if (config.store === 'postgres' && !config.postgresUrl) problems.push('SL_POSTGRES_URL: required when SL_STORE=postgres');
  if (config.store === 'kurrentdb' && !config.kurrentdbUrl) problems.push('KURRENTDB_URL: required when SL_STORE=kurrentdb');
  // A key or checkpoint copy inside the data folder is reachable by whoever can reach the store: it would protect nothing.
  for (const [env, value] of [['SL_CHECKPOINT_KEY', config.checkpointKey], ['SL_CHECKPOINT_DIR', config.checkpointDir]] as const) {
    if (value && config.dataDir && isInside(value, config.dataDir)) problems.push(`${env}=${JSON.stringify(value)}: must be outside SL_DATA_DIR (${config.dataDir}), where the store's writer cannot reach it`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Markdown rows for the README's configuration table. */
export function configTable(): string {
  const rows = (Object.values(SETTINGS) as Setting[]).map((s) => `| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default || '""'}\``} | ${s.description} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
