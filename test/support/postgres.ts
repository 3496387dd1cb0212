import { execSync } from 'node:child_process';
import { Client } from 'pg';

export const POSTGRES_ADMIN_URL = process.env.SL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<boolean> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh database on the real PostgreSQL for one test file. With CI=true an unreachable server is started
 * (the machines run a Debian cluster) or the test fails; on a developer machine it returns null and warns loudly.
 */
export async function createTestDatabase(prefix = 'sl_test'): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!(await reachable())) {
    if (process.env.CI === 'true') {
      try {
        execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit', shell: '/bin/bash' });
      } catch {
        /* fall through to the check */
      }
      if (!(await reachable())) throw new Error(`PostgreSQL is required in CI and is not reachable at ${POSTGRES_ADMIN_URL}`);
    } else {
      console.warn(`\n*** SKIPPING PostgreSQL tests: no server at ${POSTGRES_ADMIN_URL} (set SL_TEST_POSTGRES_URL) ***\n`);
      return null;
    }
  }
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
