import { type ChildProcess, execFileSync, spawn, spawnSync, execSync } from 'node:child_process';
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

  it('serves the API on PGlite; without sample data no demo tokens; an issued token takes commands; data files are private; shuts down cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-start-'));
    const env = { ...process.env, SL_DATA_DIR: dataDir, SL_PORT: '0', SL_LOG_LEVEL: 'warn', SL_SEED: 'false' };
    // Started under a permissive umask: the data folder must still come out 0700/0600.
    child = spawn('/bin/sh', ['-c', `umask 000 && exec "${process.execPath}" "${join(root, 'bin/service-ledger.js')}" start`], { env });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const until = Date.now() + 90_000;
    while (!/Tokens: service-ledger tokens issue/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = /running at (http:\/\/\S+)/.exec(out)![1];
    expect(out).not.toMatch(/Demo tokens/);
    const issue = (...args: string[]) => execFileSync(process.execPath, [join(root, 'bin/service-ledger.js'), 'tokens', 'issue', ...args], { env, encoding: 'utf8' }).trim();
    const admin = issue('--role', 'admin', '--projects', '*', '--ttl', '10m');
    const token = issue('--role', 'receptionist', '--projects', 'P01', '--ttl', '10m');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const post = (name: string, bearer: string, payload: unknown) =>
      fetch(`${url}/api/commands/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ commandId: newId(), payload }) });
    // Cases start only in registered projects.
    expect((await post('ReceiveComplaint', token, complaintPayload(newId(), 'P01'))).status).toBe(400);
    expect((await post('RegisterProject', admin, { projectId: 'P01', name: '样例苑', city: '上海', buildings: [{ building: '1', units: ['0101'] }] })).status).toBe(200);
    const res = await post('ReceiveComplaint', token, complaintPayload(newId(), 'P01'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const modes = execFileSync('find', [dataDir, '-printf', '%y %m\\n'], { encoding: 'utf8' }).trim().split('\n');
    expect(modes.length).toBeGreaterThan(100);
    // Symbolic links (chDB's metadata) carry no permissions of their own on Linux: access is checked on their targets.
    expect(modes.filter((m) => m !== 'd 700' && m !== 'f 600' && !m.startsWith('l '))).toEqual([]);
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
