import request from 'supertest';
import { ANALYTICS, type Analytics, KPIS, kpiCases, Projector, projectAll, runKpis } from '@service-ledger/analytics';
import { newId } from '@service-ledger/core';
import { createEventStore, SqlEventStore, type EventStore } from '@service-ledger/event-store';
import { Scenario } from '@service-ledger/testing';

/** Cases start only in registered projects. */
const registerP1 = (s: Scenario) =>
  s.pipeline.execute('RegisterProject', { projectId: 'p1', name: '翠湖花园', city: '杭州', buildings: [{ building: '1', units: ['0101'] }] }, {
    commandId: newId(), actor: { staffId: 'admin-1', role: 'admin' }, projectScope: '*', occurredAt: '2026-01-01T00:00:00+08:00', correlationId: newId(), causationId: null,
  }).catch((e: Error) => {
    if (!/already.exists/.test(e.message)) throw e;
  });
import { AnalyticsApiModule } from '@service-ledger/api';
import { startTestApi } from '../../../test/support/api';
import { testAnalytics } from '../../../test/support/chdb';
import { createTestDatabase } from '../../../test/support/postgres';
import { caseAsOf } from './history';
import { proveReplay } from './replay-proof';
import { Sealer } from './sealer';
import { verifyStore } from './verify';

async function history(store: EventStore) {
  const s = new Scenario(store);
  await registerP1(s);
  const r = await s.repairToWork({ category: 'urgent', reported: '2026-03-10T10:00:00', arrived: '2026-03-10T13:00:00' });
  await s.complete(r, '2026-03-10T18:00:00');
  const c = await s.complaint('2026-03-11T10:00:00');
  await s.run('ReplyToComplainant', { complaintId: c, message: 'on it' }, '2026-03-11T11:00:00');
  return { repair: r, complaint: c };
}

type Tamper = [string, (sql: SqlEventStore['sql'], ids: { repair: string }) => Promise<void>, RegExp];
const tampering: Tamper[] = [
  ['an edited event', (sql, { repair }) => sql.query(`UPDATE sl_events SET data = jsonb_set(data, '{technicianId}', '"someone-else"') WHERE stream_id = $1 AND type = 'RepairDispatched'`, [`repair-${repair}`]).then(() => undefined), /altered/],
  ['a deleted event', (sql, { repair }) => sql.query(`DELETE FROM sl_events WHERE stream_id = $1 AND stream_version = 3`, [`repair-${repair}`]).then(() => undefined), /version 4 where 3 was expected/],
  ['a deleted last event', (sql, { repair }) => sql.query(`DELETE FROM sl_events WHERE stream_id = $1 AND stream_version = 7`, [`repair-${repair}`]).then(() => undefined), /stream head is version 7/],
  // Versions are unique per stream, so reordering goes through negative versions.
  ['reordered events', (sql, { repair }) => sql.query(`UPDATE sl_events SET stream_version = -stream_version WHERE stream_id = $1 AND stream_version IN (4, 5)`, [`repair-${repair}`])
    .then(() => sql.query(`UPDATE sl_events SET stream_version = CASE stream_version WHEN -4 THEN 5 ELSE 4 END WHERE stream_id = $1 AND stream_version < 0`, [`repair-${repair}`]))
    .then(() => undefined), /version 5 where 4 was expected/],
  ['an inserted event', (sql, { repair }) => sql.query(`UPDATE sl_events SET stream_version = -(stream_version + 1) WHERE stream_id = $1 AND stream_version >= 5`, [`repair-${repair}`])
    .then(() => sql.query(`UPDATE sl_events SET stream_version = -stream_version WHERE stream_id = $1 AND stream_version < 0`, [`repair-${repair}`]))
    .then(() => sql.query(`INSERT INTO sl_events (event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, hash, prev_hash)
       SELECT '${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}', stream_id, 5, 'RepairPaymentReceived', 1, '{"amount": 1}', occurred_at, recorded_at, actor_id, actor_role, project_id, correlation_id, hash, hash FROM sl_events WHERE stream_id = $1 AND stream_version = 4`, [`repair-${repair}`]))
    .then(() => undefined), /version 6 where 5 was expected|previous-hash|altered/],
];

describe.each([
  ['pglite', async () => ({ store: await createEventStore({ kind: 'pglite' }), drop: async (): Promise<void> => undefined })],
  ['postgres', async () => {
    const db = await createTestDatabase('sl_audit');
    if (!db) return null;
    return { store: await createEventStore({ kind: 'postgres', url: db.url }), drop: db.drop };
  }],
] as const)('audit verify on %s', (_kind, open) => {
  it('every link holds in an untouched sealed store; a later verify proves the log only grew from the earlier head', async () => {
    const opened = await open();
    if (!opened) return;
    const store = opened.store as SqlEventStore;
    await history(store);
    const sealer = new Sealer(store, { everyEvents: 5, everyMinutes: 60 });
    await sealer.sealOnce({ final: true });
    const a = await verifyStore(store);
    expect(a).toMatchObject({ ok: true, broken: null, unsealed: 0 });
    expect(a.events).toBeGreaterThan(8);
    await history(store);
    await sealer.sealOnce({ final: true });
    const b = await verifyStore(store, { anchor: a.head });
    expect(b).toMatchObject({ ok: true, anchorChecked: true, proof: { onlyGrew: true, anchorSeq: a.head.seq, recomputed: a.head.digest, head: b.head } });
    expect(Number(b.head.seq)).toBeGreaterThan(Number(a.head.seq));
    expect(b.proof!.checkpointsAfter).toBeGreaterThan(0);
    // The same anchor after an edit before it: not a prefix any more, and the edit is named.
    const [first] = await store.sql.query<{ p: string }>("SELECT position::text AS p FROM sl_events WHERE type = 'RepairDispatched' ORDER BY sl_events.position LIMIT 1");
    await store.sql.query(`UPDATE sl_events SET data = jsonb_set(data, '{technicianId}', '"x"') WHERE position = $1`, [first.p]);
    const c = await verifyStore(store, { anchor: a.head });
    expect(c).toMatchObject({ ok: false, proof: { onlyGrew: false }, broken: { position: first.p } });
    await opened.store.close();
    await opened.drop();
  });

  it.each(tampering)('detects %s and names it', async (_name, tamper, problem) => {
    const opened = await open();
    if (!opened) return;
    const ids = await history(opened.store);
    const before = await verifyStore(opened.store as SqlEventStore);
    await tamper((opened.store as SqlEventStore).sql, ids);
    const report = await verifyStore(opened.store as SqlEventStore);
    expect(report.ok).toBe(false);
    expect(report.broken!.streamId).toBe(`repair-${ids.repair}`);
    expect(report.broken!.problem).toMatch(problem);
    expect(before.ok).toBe(true);
    await opened.store.close();
    await opened.drop();
  });
});

describe('audit reads, drill-down and replay proof', () => {
  let store: EventStore;
  let db: Analytics;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let ids: { repair: string; complaint: string };
  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    ids = await history(store);
    db = await testAnalytics('audit');
    await projectAll(store, new Projector(db), 500);
    api = await startTestApi({ store, modules: [AnalyticsApiModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
  }, 60_000);
  afterAll(async () => {
    await api.app.close();
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });
  const get = (path: string, token: string) => request(api.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('an auditor reads a case’s history with personal data masked; unmasking needs the permission and is logged', async () => {
    const auditor = api.token('auditor', '*');
    const res = await get(`/api/audit/cases/${ids.complaint}/events`, auditor);
    expect(res.status).toBe(200);
    expect(res.body.events[0]).toMatchObject({ type: 'ComplaintReceived', actor: { role: 'receptionist' }, data: { complainant: { name: '张**', phone: '138****1234' } } });
    expect(res.body.events[0]).toHaveProperty('correlationId');
    expect((await get(`/api/audit/cases/${ids.complaint}/events?unmask=true`, auditor)).status).toBe(403);
    const unmasked = await get(`/api/audit/cases/${ids.complaint}/events?unmask=true`, api.token('auditor', '*', 'aud-2', ['unmask']));
    expect(unmasked.body.events[0].data.complainant).toEqual({ name: '张三丰', phone: '13812341234' });
    const log = (await store.readAll({ limit: 10_000 })).events.filter((e) => e.type === 'AuditAccessRecorded');
    expect(log.at(-1)).toMatchObject({ actor: { staffId: 'aud-2' }, data: { what: 'case_history', unmasked: true, target: `complaint-${ids.complaint}` } });
    const day = log.at(-1)!.streamId.slice('access-'.length);
    const accessLog = await get(`/api/audit/access-log?date=${day}`, auditor);
    expect(accessLog.body.entries.some((e: { what: string }) => e.what === 'case_history')).toBe(true);
  });

  it('the state as of an instant says which clocks were running or breached then', async () => {
    const auditor = api.token('auditor', '*');
    const early = await get(`/api/audit/cases/repair-${ids.repair}?asOf=2026-03-10T11:30:00%2B08:00`, auditor);
    expect(early.status).toBe(200);
    expect(early.body.state.status).toBe('dispatched');
    expect(early.body.clocks.find((c: { clock: string }) => c.clock === 'repair_arrival').status).toBe('running');
    const later = await get(`/api/audit/cases/repair-${ids.repair}?asOf=2026-03-10T12:30:00%2B08:00`, auditor);
    expect(later.body.clocks.find((c: { clock: string }) => c.clock === 'repair_arrival')).toMatchObject({ status: 'breached', breachSeconds: 1800 });
  });

  it('the as-of view reads working hours and policy dates in the configured zone (SL_TIMEZONE), not a fixed one', async () => {
    const other = await startTestApi({ store, timeZone: 'America/New_York', projects: [] });
    try {
      const at = '2026-03-20T00:00:00Z';
      const deadlines = (r: { clocks: { clock: string; deadline: string | null }[] }) => r.clocks.map((c) => [c.clock, c.deadline]);
      const res = await request(other.app.getHttpServer()).get(`/api/audit/cases/complaint-${ids.complaint}?asOf=${at}`).set('Authorization', `Bearer ${other.token('auditor', '*')}`);
      expect(res.status).toBe(200);
      const inZone = await caseAsOf(store, `complaint-${ids.complaint}`, new Date(at), { timeZone: 'America/New_York' });
      expect(deadlines(res.body)).toEqual(deadlines(inZone));
      // The zone matters for this case: Shanghai's working day gives other deadlines.
      expect(deadlines(inZone)).not.toEqual(deadlines(await caseAsOf(store, `complaint-${ids.complaint}`, new Date(at), { timeZone: 'Asia/Shanghai' })));
    } finally {
      await other.app.close();
    }
  });

  it('bad input: unknown ids, malformed or too-early instants, non-auditor tokens', async () => {
    const auditor = api.token('auditor', '*');
    expect((await get(`/api/audit/cases/${newId()}/events`, auditor)).status).toBe(404);
    expect((await get(`/api/audit/cases/repair-${ids.repair}?asOf=yesterday`, auditor)).body).toMatchObject({ statusCode: 400, issues: [{ field: 'asOf' }] });
    expect((await get(`/api/audit/cases/repair-${ids.repair}?asOf=2020-01-01T00:00:00Z`, auditor)).body).toMatchObject({ statusCode: 400, issues: [{ rule: 'before_case' }] });
    expect((await get(`/api/audit/cases/repair-${ids.repair}/events`, api.token('receptionist'))).status).toBe(403);
    expect((await get('/api/audit/verify', api.token('hr', '*'))).status).toBe(403);
    expect((await get('/api/audit/verify?anchor=12:abc', auditor)).body).toMatchObject({ statusCode: 400, issues: [{ field: 'anchor' }] });
    expect((await get(`/api/audit/verify/${newId()}`, auditor)).status).toBe(404);
  });

  it('verify runs in the background: the request returns a run id, the run’s report is read by it, and the access log describes the finished run', async () => {
    const auditor = api.token('auditor', '*', 'aud-verify');
    const started = await get('/api/audit/verify', auditor);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ id: expect.any(String), href: `/api/audit/verify/${started.body.id}` });
    let run = started.body;
    while (run.status === 'running') run = (await get(run.href ?? `/api/audit/verify/${run.id}`, auditor)).body;
    expect(run).toMatchObject({ status: 'done', report: { ok: true, findings: [] } });
    expect(run.progress.walked).toBe(run.report.events);
    // The entry is written after the run (so it is not part of what was verified) and describes it.
    const entry = (await store.readAll({ limit: 10_000 })).events.filter((e) => e.type === 'AuditAccessRecorded' && e.actor.staffId === 'aud-verify').at(-1);
    expect(entry?.data).toMatchObject({ what: 'audit_verify', details: { job: run.id, ok: true, events: run.report.events, findings: 0 } });
    expect(Date.parse(entry!.recordedAt)).toBeGreaterThanOrEqual(Date.parse(run.finishedAt));
  });

  it('every KPI figure drills down to the case ids behind its numerator and denominator', async () => {
    const values = await runKpis(db, { month: '2026-03' });
    for (const k of KPIS) {
      const cases = await kpiCases(db, k.id, { month: '2026-03' });
      const v = values.find((x) => x.id === k.id)!;
      if (k.kind === 'rate') expect([k.id, cases.numerator.length, cases.denominator.length]).toEqual([k.id, v.numerator, v.denominator]);
    }
    const res = await get('/api/kpis/urgent_on_site_2h/cases?month=2026-03', api.token('gm_office', '*'));
    expect(res.body).toMatchObject({ numerator: [], denominator: [ids.repair] });
  });

  it('the replay proof covers the whole store: events the live projection never saw are a difference, and their closed month is compared', async () => {
    // Earlier tests registered projects the live projection has not seen; catch it up so that the one event below is
    // the only difference (a project registered unseen would change every month's project list, rightly).
    await projectAll(store, new Projector(db), 500);
    // Appended after the live projection caught up, never projected (a stopped projector, or rows slipped in by SQL).
    await new Scenario(store).complaint('2026-04-02T10:00:00');
    const proof = await proveReplay(store, db, { now: new Date('2026-11-24T00:00:00Z') });
    expect(proof.equal).toBe(false);
    expect(proof.beyondLive).toBe(1);
    expect(proof.events).toBe((await store.readAll({ limit: 100_000 })).events.length);
    // 2020-01 is the month the test projects were registered in (Scenario registers them on 2020-01-01).
    expect(proof.months).toEqual([{ month: '2020-01', equal: true }, { month: '2026-01', equal: true }, { month: '2026-03', equal: true }, { month: '2026-04', equal: false }]);
  });

  it('the replay proof says equal, and finds a live table that was changed', async () => {
    await projectAll(store, new Projector(db), 500);
    const proof = await proveReplay(store, db, { now: new Date('2026-11-24T00:00:00Z') });
    expect(proof.equal).toBe(true);
    for (const t of proof.tables) expect(t.checksumA).toMatch(/^\d+$/);
    expect(proof).toMatchObject({ beyondLive: 0, months: [{ month: '2020-01', equal: true }, { month: '2026-01', equal: true }, { month: '2026-03', equal: true }, { month: '2026-04', equal: true }] });
    // Someone rewrites a live row (a newer version wins in ReplacingMergeTree).
    await db.command("INSERT INTO {{cases}} SELECT * REPLACE ('forged' AS status, version + 1 AS version) FROM {{cases}} FINAL WHERE case_type = 'repair'");
    const forged = await proveReplay(store, db, { now: new Date('2026-11-24T00:00:00Z') });
    expect(forged.equal).toBe(false);
    expect(forged.tables.find((t) => t.table === 'cases')!.checksumA).not.toBe(forged.tables.find((t) => t.table === 'cases')!.checksumB);
  });
});
