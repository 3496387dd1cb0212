import { ROLES } from '@service-ledger/core';
import { z } from 'zod';

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
  authSecret: { env: 'SL_AUTH_SECRET', description: 'HMAC secret for bearer tokens (≥ 32 chars); embedded mode generates one in the data dir when unset', schema: z.string().min(32).optional() },
  logLevel: { env: 'SL_LOG_LEVEL', default: 'info', description: 'Log level: fatal, error, warn, info, debug, trace', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  seedOnFirstRun: { env: 'SL_SEED', default: 'true', description: 'Seed a small sample company on first start when the store is empty', schema: bool },
  projector: { env: 'SL_PROJECTOR', default: 'true', description: 'Run the projector in the API process (embedded shape)', schema: bool },
  kafkaBrokers: { env: 'SL_KAFKA_BROKERS', description: 'Comma-separated Kafka brokers (distributed shape: relay and projector)', schema: z.string().optional() },
  kafkaTopicPrefix: { env: 'SL_KAFKA_TOPIC_PREFIX', default: 'service-ledger', description: 'Prefix of the Kafka topics', schema: z.string().regex(/^[A-Za-z0-9._-]+$/) },
  kafkaPartitions: { env: 'SL_KAFKA_PARTITIONS', default: '6', description: 'Partitions of the events topic', schema: int(1, 1000) },
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
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

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
  const config = out as Config;
  if (config.store === 'postgres' && !config.postgresUrl) problems.push('SL_POSTGRES_URL: required when SL_STORE=postgres');
  if (config.store === 'kurrentdb' && !config.kurrentdbUrl) problems.push('KURRENTDB_URL: required when SL_STORE=kurrentdb');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Markdown rows for the README's configuration table. */
export function configTable(): string {
  const rows = (Object.values(SETTINGS) as Setting[]).map((s) => `| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default || '""'}\``} | ${s.description} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
