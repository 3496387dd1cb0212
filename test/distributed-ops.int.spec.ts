import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ClickHouseAnalytics } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { loadConfig } from '@service-ledger/config';
import { newId } from '@service-ledger/core';
import { startApiProcess, startProjectorProcess, startRelayProcess, startSchedulerProcess } from '@service-ledger/runtime';
import { complaintPayload } from '@service-ledger/testing';
import { TEST_SECRET } from './support/api';
import { testAnalytics } from './support/chdb';
import { ensureKafka, startKafka, stopKafka } from './support/kafka';
import { createTestDatabase, POSTGRES_ADMIN_URL } from './support/postgres';
import { TcpProxy } from './support/tcp-proxy';
import { registerProject } from './support/projects';
import { createEventStore } from '@service-ledger/event-store';

type Report = { status: string; checks: Record<string, { status: string; message?: string } & Record<string, unknown>> };

/**
 * The distributed shape as an operator runs it — api, relay, projector and scheduler started by the same functions
 * as `npm run start:*`, each with its own /health and /metrics — on real PostgreSQL and Apache Kafka. Each dependency
 * is taken away in turn (the store, the broker, an open transaction in another database of the cluster) and the
 * degradation must be readable from /health and /metrics within seconds, and the recovery the same way.
 */
describe('distributed shape: degradation and recovery seen from /health and /metrics', () => {
  const kafka = ensureKafka();
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let other: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let analytics: ClickHouseAnalytics;
  let dataDir: string;
  const running: { name: string; url: string; stop(): Promise<void> }[] = [];
  let api: Awaited<ReturnType<typeof startApiProcess>>;
  const desk = new TokenService(TEST_SECRET).issue({ staffId: 'P01-receptionist-1', role: 'receptionist', projects: ['P01'], permissions: [] });
  const metricsToken = 'metrics-token-0123456789';

  const url = (name: string) => running.find((r) => r.name === name)!.url;
  const health = async (name: string): Promise<{ code: number; body: Report }> => {
    const res = await fetch(`${url(name)}/health`);
    return { code: res.status, body: (await res.json()) as Report };
  };
  const metrics = async (name: string) => (await fetch(`${url(name)}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } })).text();
  const sample = (text: string, name: string, labels = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  async function eventually<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, ms = 20_000): Promise<T> {
    const until = Date.now() + ms;
    let last: T | undefined;
    for (;;) {
      last = await probe().catch(() => last);
      if (last !== undefined && ok(last)) return last;
      if (Date.now() > until) throw new Error(`${what}: not seen within ${ms / 1000} s; last: ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const send = () =>
    fetch(`${api.url}/api/commands/ReceiveComplaint`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${desk}` },
      body: JSON.stringify({ commandId: newId(), payload: complaintPayload(newId(), 'P01') }),
    });
  const projected = async () => {
    const res = await fetch(`${api.url}/api/kpis?month=2026-11&project=P01`, { headers: { Authorization: `Bearer ${desk}` } });
    return (await res.json()) as { projection: { position: string; storeHead: string; behind: number } };
  };

  beforeAll(async () => {
    pg = await createTestDatabase('sl_ops');
    other = await createTestDatabase('sl_ops_other');
    if (!kafka || !pg || !other) return;
    const target = new URL(POSTGRES_ADMIN_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    const storeUrl = new URL(pg.url);
    storeUrl.host = `127.0.0.1:${proxy.port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'sl-ops-'));
    const config = loadConfig({
      SL_STORE: 'postgres', SL_POSTGRES_URL: storeUrl.toString(), SL_KAFKA_BROKERS: kafka.brokers.join(','), SL_KAFKA_TOPIC_PREFIX: `ops-${Date.now()}`, SL_KAFKA_PARTITIONS: '2',
      SL_AUTH_SECRET: TEST_SECRET, SL_PORT: '0', SL_OPS_PORT: '0', SL_METRICS_TOKEN: metricsToken, SL_STALL_ALERT_SECONDS: '2', SL_LOG_LEVEL: 'silent', SL_DATA_DIR: dataDir,
    });
    analytics = await testAnalytics('ops');
    const registering = await createEventStore({ kind: 'postgres', url: pg.url });
    await registerProject(registering, 'P01');
    await registering.close();
    // Order of the runbook: projector and relay (they wait for what is missing), then the API, then the scheduler.
    const projector = await startProjectorProcess(config, { analytics, lagIntervalMs: 1000 });
    running.push({ name: 'projector', url: projector.ops.server.url, stop: projector.stop });
    const relay = await startRelayProcess(config, { pollIntervalMs: 50, watchIntervalMs: 500 });
    running.push({ name: 'relay', url: relay.ops.server.url, stop: relay.stop });
    api = await startApiProcess(config, { analytics });
    running.push({ name: 'api', url: api.ops!.url, stop: api.stop });
    const scheduler = await startSchedulerProcess(config, { analytics });
    running.push({ name: 'scheduler', url: scheduler.ops.server.url, stop: scheduler.stop });
  }, 240_000);

  afterAll(async () => {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await proxy?.cut();
    await analytics?.command(`DROP DATABASE IF EXISTS \`${analytics.database}\``).catch(() => undefined);
    await pg?.drop();
    await other?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('every process reports ok once running, and its /metrics passes promtool check metrics', async () => {
    if (!kafka || !pg) return;
    expect((await send()).status).toBe(200);
    for (const name of ['api', 'relay', 'projector', 'scheduler']) {
      const { code, body } = await eventually(`${name} ok`, () => health(name), (h) => h.body.status === 'ok');
      expect(code).toBe(200);
      expect(Object.values(body.checks).every((c) => c.status === 'up')).toBe(true);
    }
    await eventually('command projected', projected, (p) => p.projection.behind === 0 && p.projection.position !== '0');
    for (const name of ['api', 'relay', 'projector', 'scheduler']) {
      const text = await metrics(name);
      expect(text).toContain('sl_dependency_up');
      expect(text).not.toContain('nodejs_version_info');
      // promtool exits non-zero on malformed exposition and prints lint problems (names, units, help) on stdout.
      const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${name}:${out.trim()}`).toBe(`${name}:`);
    }
    const apiMetrics = await metrics('api');
    expect(sample(apiMetrics, 'sl_command_duration_seconds_count', '{command="ReceiveComplaint",outcome="accepted"}')).toBeGreaterThanOrEqual(1);
    expect(sample(await metrics('relay'), 'sl_relay_published_events_total')).toBeGreaterThanOrEqual(1);
    expect(sample(await metrics('projector'), 'sl_projector_batch_events_count')).toBeGreaterThanOrEqual(1);
    // /metrics without the token is refused.
    expect((await fetch(`${url('relay')}/metrics`)).status).toBe(401);
  }, 180_000);

  it('an open transaction in another database of the cluster: the relay names the blocking backend and reports held events; its commit clears it', async () => {
    if (!kafka || !pg || !other) return;
    const blocker = new Client({ connectionString: other.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()');
      const [{ pid }] = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows as { pid: number }[];
      expect((await send()).status).toBe(200);
      const stalled = await eventually('relay degraded by the open transaction', () => health('relay'), (h) => h.body.checks.globalLog?.status === 'degraded');
      expect(stalled.code).toBe(200);
      expect(stalled.body.status).toBe('degraded');
      expect(stalled.body.checks.globalLog).toMatchObject({ heldEvents: 1, blocker: { kind: 'transaction', pid, database: new URL(other.url).pathname.slice(1) } });
      expect(stalled.body.checks.globalLog.message).toContain(`pid ${pid}`);
      const text = await metrics('relay');
      expect(sample(text, 'sl_global_log_held_events')).toBe(1);
      expect(sample(text, 'sl_global_log_held_seconds')).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'sl_global_log_blocker_age_seconds')).toBeGreaterThan(0);
      await blocker.query('COMMIT');
      await eventually('relay ok after the commit', () => health('relay'), (h) => h.body.status === 'ok');
      expect(sample(await metrics('relay'), 'sl_global_log_held_events')).toBe(0);
      await eventually('held command projected', projected, (p) => p.projection.behind === 0);
    } finally {
      await blocker.end();
    }
  }, 120_000);

  it('the broker stopped: relay and projector report kafka down within seconds; after the restart both recover and the commands sent meanwhile are projected', async () => {
    if (!kafka || !pg) return;
    stopKafka();
    const stoppedAt = Date.now();
    for (const name of ['relay', 'projector']) {
      const { code, body } = await eventually(`${name} kafka down`, () => health(name), (h) => h.body.checks.kafka?.status === 'down', 30_000);
      expect(code).toBe(503);
      expect(body.status).toBe('down');
      expect(sample(await metrics(name), 'sl_dependency_up', '{dependency="kafka"}')).toBe(0);
    }
    const seenWithin = (Date.now() - stoppedAt) / 1000;
    // The API keeps taking commands: the store is up; they wait in the store for the relay.
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
    startKafka();
    for (const name of ['relay', 'projector']) await eventually(`${name} kafka up again`, () => health(name), (h) => h.body.status === 'ok', 120_000);
    expect(sample(await metrics('relay'), 'sl_dependency_up', '{dependency="kafka"}')).toBe(1);
    await eventually('commands sent during the outage projected', projected, (p) => p.projection.behind === 0, 120_000);
    expect(seenWithin).toBeLessThan(15);
  }, 400_000);

  it('the event store unreachable: the API answers commands 503 with Retry-After and /health names eventStore; relay too; recovery is seen the same way', async () => {
    if (!kafka || !pg) return;
    await proxy.cut();
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'dependency_unavailable', dependency: 'eventStore' });
    for (const name of ['api', 'relay']) {
      const { code, body } = await eventually(`${name} eventStore down`, () => health(name), (h) => h.body.checks.eventStore?.status === 'down', 10_000);
      expect(code).toBe(503);
      expect(body.status).toBe('down');
      expect(sample(await metrics(name), 'sl_dependency_up', '{dependency="eventStore"}')).toBe(0);
    }
    const apiMetrics = await metrics('api');
    expect(sample(apiMetrics, 'sl_commands_total', '{command="ReceiveComplaint",outcome="unavailable"}')).toBeGreaterThanOrEqual(1);
    await proxy.start();
    for (const name of ['api', 'relay']) await eventually(`${name} ok again`, () => health(name), (h) => h.body.status === 'ok', 20_000);
    expect((await send()).status).toBe(200);
    await eventually('projected after the outage', projected, (p) => p.projection.behind === 0, 60_000);
  }, 180_000);
});
