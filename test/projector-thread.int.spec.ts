import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '@service-ledger/event-store';
import { typeScriptBootstrap } from '../libs/runtime/src/embedded/analytics-thread';
import { steppedReads } from '../libs/runtime/src/embedded/projector.part';
import { testAnalytics } from './support/chdb';

const root = join(__dirname, '..');

/** Runs one step of test/support/projector-thread-child.ts in a process of its own; `kill` ends it on a line. */
function child(mode: string, dataDir: string, kill?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; steps: Record<string, any>; out: string }> {
  const proc = spawn(process.execPath, ['-e', typeScriptBootstrap(join(__dirname, 'support/projector-thread-child.ts'))], { cwd: root, env: { ...process.env, PROJECTOR_CHILD: `${mode} ${dataDir}` } });
  let out = '';
  const steps: Record<string, any> = {};
  proc.stdout.on('data', (d: Buffer) => {
    out += d;
    for (const line of out.split('\n').slice(0, -1)) {
      if (!line.startsWith('{')) continue;
      const { step, value } = JSON.parse(line);
      steps[step] = value;
      if (step === kill) proc.kill('SIGKILL');
    }
    out = out.slice(out.lastIndexOf('\n') + 1);
  });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, steps, out: err })));
}

/**
 * The embedded projector in its thread, which alone owns chDB: the same rows as ever, the API's reads and errors
 * through the port, timings on the main thread's metrics, a killed process losing and doubling nothing, a thread that
 * ends leaving the process able to report and stop. Each step runs in a child process: chDB allows one data folder
 * and one owning thread per process, and this test runner has its own chDB open for other specs.
 */
describe('embedded projector thread', () => {
  const seeded = mkdtempSync(join(tmpdir(), 'sl-thread-'));
  const copy = (name: string) => {
    const dir = join(seeded, name);
    cpSync(join(seeded, 'seed'), dir, { recursive: true });
    return dir;
  };
  beforeAll(async () => {
    const seed = await child('seed', join(seeded, 'seed'));
    expect({ seeded: seed.steps.seeded, error: seed.steps.error }).toEqual({ seeded: { events: expect.any(Number), failed: 0 }, error: undefined });
  }, 240_000);
  afterAll(() => rmSync(seeded, { recursive: true, force: true }));

  let clean: Record<string, any>;

  it('projects every event once; queries, ClickHouse errors, scratch databases and metrics go through the thread; answers collected mid-turn; stops and exits', async () => {
    const run = await child('project', copy('project'));
    expect({ code: run.code, exit: run.steps.exit, error: run.steps.error, stderr: run.out }).toEqual({ code: 0, exit: 0, error: undefined, stderr: '' });
    clean = run.steps;
    const { head, raw, distinct } = run.steps.projected;
    expect(head).toBeGreaterThan(500);
    expect([Number(raw), Number(distinct)]).toEqual([head, head]);
    expect(Number(run.steps.cases)).toBeGreaterThan(10);
    expect(run.steps.scheduled).toEqual({ n: run.steps.cases, runs: 1 });
    expect(typeof run.steps.rowsJson.text).toBe('string');
    expect(JSON.parse(run.steps.rowsJson.text)).toEqual(run.steps.rowsJson.rows);
    expect(run.steps.rowsJson.rows.length).toBeGreaterThan(0);
    // The same error as the client gives in this thread: the API tells them apart by name and code.
    const db = await testAnalytics('thread');
    try {
      const here = await db.query('SELEC 1').then(() => null, (e: Error & { code?: string }) => ({ name: e.name, code: e.code }));
      expect(here).not.toBeNull();
      expect({ name: run.steps.syntax.name, code: run.steps.syntax.code }).toEqual(here);
    } finally {
      await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    }
    expect(run.steps.syntax.unavailable).toBe(false);
    expect(run.steps.collected).toEqual({ beforeCollect: false, afterCollect: true });
    expect(run.steps.scratch).toBe('Error');
    expect(run.steps.health.status).toBe('ok');
    const counts = Object.fromEntries((run.steps.metrics as string[]).map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]));
    expect(counts['sl_clickhouse_query_duration_seconds_count{outcome="ok"}']).toBeGreaterThan(0);
    expect(counts['sl_clickhouse_insert_duration_seconds_count{table="events"}']).toBeGreaterThan(0);
    expect(run.steps.stopped.ms).toBeLessThan(30_000);
  }, 300_000);

  it('a process killed after the thread wrote part of a batch, before the checkpoint: the next start projects the same rows, none twice', async () => {
    const dir = copy('killed');
    const killed = await child('partial', dir, 'written');
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.steps.written).toBeNull();
    const again = await child('project', dir);
    expect({ code: again.code, error: again.steps.error }).toEqual({ code: 0, error: undefined });
    expect(again.steps.projected).toEqual(clean.projected);
    expect(again.steps.cases).toBe(clean.cases);
  }, 400_000);

  it('a thread that ends: calls answer 503 (analytics unavailable), /health says so, the process still stops and exits', async () => {
    const run = await child('ends', copy('ends'));
    expect({ code: run.code, error: run.steps.error }).toEqual({ code: 0, error: undefined });
    expect(run.steps.failed).toMatch(/the projector thread \(chDB\) ended/);
    expect(run.steps.after).toMatchObject({ name: 'DependencyUnavailableError', unavailable: true });
    expect(run.steps.health.checks.analytics.status).toBe('degraded');
    expect(run.steps.health.checks.projector).toMatchObject({ status: 'degraded', message: expect.stringMatching(/projector thread/) });
    expect(run.steps.stopped.ms).toBeLessThan(30_000);
  }, 300_000);

  it('the store read in steps gives the same events and checkpoint as one read', async () => {
    const store = await createEventStore({ kind: 'pglite', dataDir: join(seeded, 'seed', 'store') });
    try {
      const whole = await store.readAll({ limit: 400 });
      const stepped = await steppedReads(store, 64).readAll({ limit: 400 });
      expect(stepped.checkpoint).toBe(whole.checkpoint);
      expect(stepped.events.map((e) => e.eventId)).toEqual(whole.events.map((e) => e.eventId));
      const tail = await steppedReads(store, 64).readAll({ after: whole.checkpoint, limit: 100_000 });
      const rest = await store.readAll({ after: whole.checkpoint, limit: 100_000 });
      expect([tail.events.length, tail.checkpoint]).toEqual([rest.events.length, rest.checkpoint]);
    } finally {
      await store.close();
    }
  });
});
