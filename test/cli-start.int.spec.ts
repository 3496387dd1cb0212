import { type ChildProcess, spawn, spawnSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@service-ledger/core';
import { complaintPayload } from '@service-ledger/testing';

const root = join(__dirname, '..');

/** The embedded start as a user runs it: a child process on a temp data dir, stopped with SIGTERM. */
describe('service-ledger start (embedded)', () => {
  let child: ChildProcess;
  let out = '';
  beforeAll(() => execSync('npm run build --silent', { cwd: root, stdio: 'inherit' }), 120_000);
  afterAll(() => child?.kill('SIGKILL'));

  it('serves the API on PGlite, prints demo tokens, takes a command and shuts down cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-start-'));
    child = spawn(process.execPath, [join(root, 'bin/service-ledger.js'), 'start'], {
      env: { ...process.env, SL_DATA_DIR: dataDir, SL_PORT: '0', SL_LOG_LEVEL: 'warn', SL_SEED: 'false' },
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const until = Date.now() + 90_000;
    while (!/Demo tokens[\s\S]*project_manager/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = /running at (http:\/\/\S+)/.exec(out)![1];
    const token = /receptionist\s+(\S+)/.exec(out)![1];
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const res = await fetch(`${url}/api/commands/ReceiveComplaint`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ commandId: newId(), payload: complaintPayload(newId(), 'P01') }),
    });
    expect(res.status).toBe(200);
    // chDB is locked by the server: `kpi export` goes through its API instead of failing on the lock.
    const month = new Date(Date.now() - 40 * 86400_000).toISOString().slice(0, 7);
    const file = join(dataDir, 'kpi.xlsx');
    const exported = spawnSync(process.execPath, [join(root, 'bin/service-ledger.js'), 'kpi', 'export', '--month', month, '--out', file], { env: { ...process.env, SL_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
    expect({ code: exported.status, err: exported.stderr }).toEqual({ code: 0, err: '' });
    expect(exported.stdout).toMatch(/through the server at http/);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    const bad = spawnSync(process.execPath, [join(root, 'bin/service-ledger.js'), 'kpi', 'export', '--month', '2099-01', '--out', file], { env: { ...process.env, SL_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: month: .*has not started yet/);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
  }, 150_000);
});
