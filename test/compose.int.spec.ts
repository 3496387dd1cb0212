import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const INFRA = join(__dirname, '..', 'infra');
const FILE = join(INFRA, 'compose.yaml');

function hasDockerCompose(): boolean {
  return spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
}

/** infra/compose.yaml as an operator runs it: valid Compose, and the rules that keep a deployment safe and alive. */
describe('infra/compose.yaml', () => {
  const text = readFileSync(FILE, 'utf8');
  const compose = parse(text, { merge: true }) as { services: Record<string, any>; volumes: Record<string, unknown> };
  const services = compose.services;
  const apps = ['api', 'relay', 'projector', 'scheduler'];

  it("validates against the Compose specification (Debian's docker-compose config) and refuses to start without the secrets", () => {
    if (!hasDockerCompose()) {
      if (process.env.CI === 'true') throw new Error('docker-compose is needed (infra/test-deps.sh installs it)');
      console.warn('\n*** SKIPPING compose validation: docker-compose is not installed ***\n');
      return;
    }
    const ok = spawnSync('docker-compose', ['-f', FILE, '--env-file', join(INFRA, '.env.example'), 'config', '-q'], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const empty = join(mkdtempSync(join(tmpdir(), 'sl-compose-')), 'empty.env');
    writeFileSync(empty, '');
    const missing = spawnSync('docker-compose', ['-f', FILE, '--env-file', empty, 'config', '-q'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/set [A-Z_]+ in infra\/\.env/);
    // The resolved configuration gives the projector the shared store it rebuilds from.
    const resolved = parse(execFileSync('docker-compose', ['-f', FILE, '--env-file', join(INFRA, '.env.example'), 'config'], { encoding: 'utf8' }));
    expect(resolved.services.projector.environment.SL_POSTGRES_URL).toMatch(/^postgres:\/\/service_ledger:.+@postgres:5432\//);
  });

  it('ClickHouse has a user and password, and the processes and Grafana use them', () => {
    expect(services.clickhouse.environment).toMatchObject({ CLICKHOUSE_USER: 'service_ledger', CLICKHOUSE_PASSWORD: expect.stringMatching(/^\$\{CLICKHOUSE_PASSWORD:\?/) });
    for (const s of apps) expect(services[s].environment).toMatchObject({ SL_CLICKHOUSE_USER: 'service_ledger', SL_CLICKHOUSE_PASSWORD: services.clickhouse.environment.CLICKHOUSE_PASSWORD });
    const datasource = readFileSync(join(INFRA, 'grafana', 'provisioning', 'datasources', 'clickhouse.yaml'), 'utf8');
    expect(datasource).toMatch(/username: \$CLICKHOUSE_USER/);
    expect(datasource).toMatch(/password: \$CLICKHOUSE_PASSWORD/);
  });

  it('every service has a healthcheck and a restart policy; dependencies wait for health', () => {
    for (const [name, s] of Object.entries(services)) {
      expect([name, Boolean(s.healthcheck?.test)]).toEqual([name, true]);
      expect([name, s.restart]).toEqual([name, 'unless-stopped']);
      for (const [dep, cond] of Object.entries<any>(s.depends_on ?? {})) {
        expect([name, dep, cond.condition]).toEqual([name, dep, ['relay', 'projector'].includes(dep) ? 'service_started' : 'service_healthy']);
      }
    }
  });

  it('PostgreSQL, ClickHouse, Kafka and Grafana keep their data in named volumes', () => {
    const mounts = (s: string) => (services[s].volumes as string[]).map((v) => v.split(':'));
    expect(mounts('postgres')).toContainEqual(['postgres-data', '/var/lib/postgresql/data']);
    expect(mounts('clickhouse')).toContainEqual(['clickhouse-data', '/var/lib/clickhouse']);
    expect(mounts('kafka')).toContainEqual(['kafka-data', services.kafka.environment.KAFKA_LOG_DIRS]);
    expect(mounts('grafana')).toContainEqual(['grafana-data', '/var/lib/grafana']);
    for (const v of ['postgres-data', 'clickhouse-data', 'kafka-data', 'grafana-data']) expect(compose.volumes).toHaveProperty([v]);
  });

  it('Grafana has no anonymous access and its admin password comes from the environment', () => {
    expect(services.grafana.environment.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  it('no secret is written in the file: passwords, tokens and secrets are required variables', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries<any>(s.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN/.test(key)) expect([name, key, String(value)]).toEqual([name, key, expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]+\}$/)]);
      }
    }
    // The store URL embeds the password only through the variable.
    expect(services.api.environment.SL_POSTGRES_URL).toContain('${POSTGRES_PASSWORD:?');
    expect(text).not.toMatch(/change-me|POSTGRES_PASSWORD: postgres/);
  });

  it('every published port is bound to 127.0.0.1', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const port of (s.ports ?? []) as string[]) expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
    }
  });
});
