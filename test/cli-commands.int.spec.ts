import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'sl-cli-'));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/service-ledger.js'), ...args], { env: { ...process.env, SL_DATA_DIR: dataDir, SL_LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

/** The command-line tool as an operator uses it: exit codes and messages, on a temporary data folder. */
describe('service-ledger commands', () => {
  beforeAll(() => execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }), 120_000);

  it('seed applies a month through the handlers, and a second run appends nothing', () => {
    const first = cli('seed', '--projects', '1', '--months', '1', '--seed', '2');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/\d+ commands applied \(\d+ events\), 0 already there, 0 failed/);
    const again = cli('seed', '--projects', '1', '--months', '1', '--seed', '2');
    expect(again.out).toMatch(/^0 commands applied \(0 events\), \d+ already there/m);
  }, 200_000);

  it('kpi sql prints the SQL a KPI runs as, on the configured database, with the parameters of a month', () => {
    const run = cli('kpi', 'sql', 'repair_timeliness', '--month', '2026-04', '--project', 'P01');
    expect(run.code).toBe(0);
    expect(run.out).toContain("SELECT countIf(fix_status = 'met') AS numerator, count() AS denominator FROM `service_ledger`.`cases` FINAL WHERE case_type = 'repair'");
    expect(run.out).toContain('-- parameters: {"month":202604,"project":"P01","department":"","staff":"","tz":"Asia/Shanghai"}');
    expect(cli('kpi', 'sql', 'repair_timeliness', '--shape', 'by-project').out).toMatch(/GROUP BY GROUPING SETS \(\(project_id\), \(\)\)/);
    expect(cli('kpi', 'sql', 'repair_timeliness', '--shape', 'panel').out).toMatch(/completed_at >= \{from:DateTime64\(3, 'UTC'\)\}/);
    expect(cli('kpi', 'sql', 'happiness')).toMatchObject({ code: 1, out: expect.stringMatching(/no KPI happiness/) });
    expect(cli('kpi', 'sql', 'rework_rate', '--shape', 'panel')).toMatchObject({ code: 1, out: expect.stringMatching(/cannot be shown over a time range/) });
    // The staff scorecard: the month's run (export, API) and the panel, one definition.
    const card = cli('kpi', 'sql', 'staff_scorecard').out;
    expect(card).toContain('toYYYYMM(credited_at, {tz:String}) = {month:UInt32}');
    expect(card).toContain('AS weights_from');
    const cardPanel = cli('kpi', 'sql', 'staff_scorecard', '--shape', 'panel').out;
    expect(cardPanel).toContain("credited_at >= {from:DateTime64(3, 'UTC')}");
    expect(cardPanel).toMatch(/AS weights\s+FROM/);
  }, 180_000);

  it('bad input exits non-zero with the flag and the rule', () => {
    expect(cli('seed', '--projects', 'many')).toMatchObject({ code: 1, out: expect.stringMatching(/--projects must be a whole number/) });
    expect(cli('kpi', 'export', '--month', '2026-13')).toMatchObject({ code: 1, out: expect.stringMatching(/month: must be YYYY-MM/) });
    expect(cli('kpi', 'export', '--month', '2026-10', '--format', 'pdf')).toMatchObject({ code: 1, out: expect.stringMatching(/--format must be xlsx or csv/) });
    expect(cli('audit', 'history', 'no-such-case')).toMatchObject({ code: 1, out: expect.stringMatching(/no case no-such-case/) });
    expect(cli('tokens', 'issue', '--role', 'wizard', '--projects', 'P01', '--ttl', '1h')).toMatchObject({ code: 1, out: expect.stringMatching(/--role must be one of/) });
    expect(cli('tokens', 'issue', '--role', 'receptionist', '--projects', 'P01', '--ttl', 'forever')).toMatchObject({ code: 1, out: expect.stringMatching(/--ttl must be a duration/) });
    expect(cli('tokens', 'issue', '--role', 'technician', '--projects', 'P01', '--ttl', '1h', '--unmask')).toMatchObject({ code: 1, out: expect.stringMatching(/--unmask is only for/) });
    expect(cli('tokens', 'issue', '--role', 'receptionist', '--projects', 'P01', '--ttl', '1h')).toMatchObject({ code: 0, out: expect.stringMatching(/^eyJ/) });
    const badConfig = spawnSync(process.execPath, [join(root, 'bin/service-ledger.js'), 'tokens', 'issue', '--role', 'hr', '--projects', '*', '--ttl', '1h'], { env: { ...process.env, SL_STORE: 'oracle' }, encoding: 'utf8' });
    expect(badConfig.status).toBe(78);
    expect(badConfig.stderr).toMatch(/SL_STORE="oracle"/);
  }, 120_000);

  it('audit keygen writes a key pair; audit seal seals the log and signs its head; audit verify walks the store and prints the anchor; kpi export writes CSV files atomically', () => {
    const keys = cli('audit', 'keygen', '--out', join(mkdtempSync(join(tmpdir(), 'sl-cli-keys-')), 'keys'));
    expect(keys).toMatchObject({ code: 0, out: expect.stringMatching(/public key:[\s\S]*BEGIN PUBLIC KEY/) });
    const sealed = cli('audit', 'seal');
    expect(sealed.code).toBe(0);
    expect(sealed.out).toMatch(/sealed [1-9]\d* events[\s\S]*checkpoint #\d+ at \d+:[0-9a-f]{64} UNSIGNED/);
    const verify = cli('audit', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/every link holds/);
    const anchor = /head: (\d+:[0-9a-f]{64})/.exec(verify.out)![1];
    expect(cli('audit', 'verify', '--anchor', anchor).code).toBe(0);
    const out = join(dataDir, 'exports-test', 'kpi.csv');
    const exported = cli('kpi', 'export', '--month', '2026-10', '--format', 'csv', '--out', out);
    expect(exported.code).toBe(0);
    expect(readdirSync(join(dataDir, 'exports-test')).sort()).toEqual([
      'kpi-breach-report.csv', 'kpi-breaches.csv', 'kpi-company.csv', 'kpi-complaint-causes.csv', 'kpi-complaint-places.csv', 'kpi-complaint-topics.csv',
      'kpi-definitions.csv', 'kpi-repeat-complainants.csv', 'kpi-satisfaction.csv', 'kpi-staff.csv', 'kpi-summary.csv', 'kpi-visits.csv',
    ]);
    expect(existsSync(out)).toBe(false);
  }, 200_000);

  it('replay and audit replay are one proof with one report: the whole store against the live tables and each closed month', () => {
    // Without a running server nothing has projected the seeded store into the live tables: the proof must say so.
    const proof = cli('audit', 'replay');
    const alias = cli('replay');
    // The first run logs itself (an access-log event), so the second replays one event more: compare the lines with
    // counts, positions and checksums taken out.
    const report = (out: string) => out.split('\n').filter((l) => l.trim()).map((l) => l.replace(/[0-9a-f]{8,}|[\d.]+/g, '#'));
    expect(proof.code).toBe(3);
    expect(proof.out).toMatch(/^replayed [1-9]\d* events \(the whole store\)/m);
    expect(proof.out).toMatch(/^DIFFERS [1-9]\d* events in the store were never projected into the live tables/m);
    expect(proof.out).toMatch(/^DIFFERENT: see the lines marked DIFFERS$/m);
    expect(alias.code).toBe(proof.code);
    expect(report(alias.out)).toEqual(report(proof.out));
  }, 300_000);
});
