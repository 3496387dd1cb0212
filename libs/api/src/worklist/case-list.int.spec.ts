import request from 'supertest';
import { ANALYTICS, type Analytics, Projector } from '@service-ledger/analytics';
import { FixedClock, newId } from '@service-ledger/core';
import { complaintPayload } from '@service-ledger/testing';
import { startTestApi } from '../../../../test/support/api';
import { testAnalytics } from '../../../../test/support/chdb';
import { AnalyticsApiModule } from '../analytics.module';

const NOW = '2026-11-20T10:00:00.000Z';
const at = (iso: string) => iso.replace('T', ' ').replace('Z', '');
const min = (m: number) => new Date(Date.parse(NOW) + m * 60_000).toISOString();

/** A hand-built set: one case per clock situation, so the expected order can be read off the table. */
const CASES: { id: string; type: string; project: string; opened: number; building: string; clocks: [clock: string, start: number, warn: number, deadline: number, extra?: Record<string, unknown>][]; tech?: string; number: string }[] = [
  { id: 'a-running', type: 'repair', project: 'P1', opened: -60, building: '1', tech: 'tech-1', number: 'P1-202611-0001', clocks: [['repair_arrival', -60, 30, 60]] },
  { id: 'b-risk-18min', type: 'repair', project: 'P1', opened: -120, building: '2', tech: 'tech-2', number: 'P1-202611-0002', clocks: [['repair_arrival', -120, -16, 18]] },
  { id: 'c-overdue-year', type: 'complaint', project: 'P1', opened: -525_600, building: '3', number: 'P1-202511-0001', clocks: [['complaint_first_reply', -525_600, -525_400, -525_360]] },
  { id: 'd-overdue-hour', type: 'complaint', project: 'P1', opened: -300, building: '3', number: 'P1-202611-0003', clocks: [['complaint_first_reply', -300, -100, -60]] },
  { id: 'e-no-open-clock', type: 'help_request', project: 'P1', opened: -30, building: '1', number: 'P1-202611-0004', clocks: [['help_answer', -30, -27, -25, { met_at: at(min(-28)), status: 'met' }]] },
  { id: 'f-paused', type: 'repair', project: 'P1', opened: -90, building: '2', tech: 'tech-1', number: 'P1-202611-0005', clocks: [['repair_fix', -90, 1000, 2000, { paused: 1 }]] },
  { id: 'g-other-project', type: 'repair', project: 'P2', opened: -60, building: '1', tech: 'tech-9', number: 'P2-202611-0001', clocks: [['repair_arrival', -60, -10, 2]] },
  { id: 'h-risk-5min', type: 'repair', project: 'P1', opened: -40, building: '1', tech: 'tech-2', number: '', clocks: [['repair_arrival', -40, -10, 5], ['repair_fix', -40, 4000, 5000]] },
];

async function buildSet(db: Analytics): Promise<void> {
  await db.insert('cases', CASES.map((c) => ({
    case_id: c.id, case_number: c.number, case_type: c.type, project_id: c.project, building: c.building, status: 'open', opened_at: at(min(c.opened)),
    first_responder_id: 'desk-1', handler_id: '', technician_id: c.tech ?? '', department: c.type === 'repair' ? 'engineering' : 'customer_service', version: 1,
  })));
  await db.insert('sla_clocks', CASES.flatMap((c) => c.clocks.map(([clock, start, warn, deadline, extra]) => ({
    case_id: c.id, case_number: c.number, clock, case_type: c.type, project_id: c.project, started_at: at(min(start)), warning_at: at(min(warn)), deadline: at(min(deadline)),
    met_at: null, status: 'running', paused: 0, version: 1, ...extra,
  }))));
  await db.insert('staff', [{ staff_id: 'tech-2', name: '王师傅', role: 'technician', department: 'engineering', project_ids: ['P1'], active: 1, version: 1 }]);
  await db.insert('events', [{ event_id: newId(), stream_id: 'repair-a-running', category: 'repair', case_id: 'a-running', stream_version: 1, position: 42, type: 'RepairReported', schema_version: 1, occurred_at: at(min(-60)), recorded_at: at(min(-59)), actor_id: 'desk-1', actor_role: 'receptionist', project_id: 'P1', correlation_id: 'c', causation_id: null, data: '{}' }]);
}

describe('GET /api/cases: the worklist, from the analytics tables', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let db: Analytics;
  let http: ReturnType<typeof request>;
  let supervisor: string;
  const list = (query: Record<string, string | number> = {}, token = supervisor) => http.get('/api/cases').query(query).set('Authorization', `Bearer ${token}`);
  const ids = (res: request.Response) => res.body.rows.map((r: { caseId: string }) => r.caseId);

  beforeAll(async () => {
    db = await testAnalytics('worklist');
    await buildSet(db);
    api = await startTestApi({ clock: new FixedClock(new Date(NOW)), modules: [AnalyticsApiModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
    http = request(api.app.getHttpServer());
    supervisor = api.token('supervisor', ['P1']);
    for (const projectId of ['P3', 'P4']) {
      const registered = await http.post('/api/commands/RegisterProject').set('Authorization', `Bearer ${api.token('admin', '*')}`)
        .send({ commandId: newId(), occurredAt: '2026-01-01T00:00:00Z', payload: { projectId, name: `项目 ${projectId}`, city: '杭州', buildings: [{ building: '7', units: ['0801'] }] } });
      expect(registered.status).toBe(200);
    }
  });
  afterAll(async () => {
    await api?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('puts at-risk cases first by time left, then overdue (least overdue first), running, paused, and cases with no open clock', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['h-risk-5min', 'b-risk-18min', 'd-overdue-hour', 'c-overdue-year', 'a-running', 'f-paused', 'e-no-open-clock']);
    expect(res.body.total).toBe(7);
    const b = res.body.rows[1];
    expect(b).toMatchObject({ streamId: 'repair-b-risk-18min', caseNumber: 'P1-202611-0002', clockState: 'at_risk', clock: 'repair_arrival', timeLeftSeconds: 18 * 60, responsibleId: 'tech-2', responsibleName: '王师傅' });
    expect(res.body.rows[0]).toMatchObject({ caseNumber: null, clock: 'repair_arrival', timeLeftSeconds: 300 });
    expect(res.body.rows[2]).toMatchObject({ clockState: 'breached', timeLeftSeconds: -3600 });
    // Before dispatch the first responder answers for the case (首问负责).
    expect(res.body.rows[2].responsibleId).toBe('desk-1');
    expect(res.body).toMatchObject({ asOf: NOW, freshness: { position: '42' } });
  });

  it('sorts by age, oldest first', async () => {
    expect(ids(await list({ sort: 'age' }))).toEqual(['c-overdue-year', 'd-overdue-hour', 'b-risk-18min', 'f-paused', 'a-running', 'h-risk-5min', 'e-no-open-clock']);
  });

  it('filters by clock state, type, responsible person, department, building, opening date and text', async () => {
    expect(ids(await list({ clockState: 'at_risk' }))).toEqual(['h-risk-5min', 'b-risk-18min']);
    expect(ids(await list({ clockState: 'breached' }))).toEqual(['d-overdue-hour', 'c-overdue-year']);
    expect(ids(await list({ type: 'complaint' }))).toEqual(['d-overdue-hour', 'c-overdue-year']);
    expect(ids(await list({ responsible: 'tech-1' }))).toEqual(['a-running', 'f-paused']);
    expect(ids(await list({ department: 'customer_service' }))).toEqual(['d-overdue-hour', 'c-overdue-year', 'e-no-open-clock']);
    expect(ids(await list({ building: '2' }))).toEqual(['b-risk-18min', 'f-paused']);
    expect(ids(await list({ from: '2026-11-01', to: '2026-11-20' }))).toEqual(['h-risk-5min', 'b-risk-18min', 'd-overdue-hour', 'a-running', 'f-paused', 'e-no-open-clock']);
    expect(ids(await list({ to: '2026-10-31' }))).toEqual(['c-overdue-year']);
    expect(ids(await list({ q: 'P1-202611-0005' }))).toEqual(['f-paused']);
    expect((await list({ q: 'P1-202511' })).body).toMatchObject({ total: 1, rows: [{ caseNumber: 'P1-202511-0001' }] });
    expect(ids(await list({ q: 'b-risk' }))).toEqual(['b-risk-18min']);
  });

  it('pages with a cursor, the total on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await list({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(res.body).toMatchObject({ total: 7 });
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['h-risk-5min', 'b-risk-18min', 'd-overdue-hour', 'c-overdue-year', 'a-running', 'f-paused', 'e-no-open-clock']);
  });

  it('is scoped by the token: other projects never show, asking for one is refused; company-wide roles see all', async () => {
    expect(ids(await list({ q: 'g-other' }))).toEqual([]);
    expect((await list({ project: 'P2' })).status).toBe(403);
    const gm = api.token('gm_office', '*');
    expect((await list({}, gm)).body.total).toBe(8);
    expect(ids(await list({ project: 'P2' }, gm))).toEqual(['g-other-project']);
    expect((await http.get('/api/cases')).status).toBe(401);
  });

  it.each([
    [{ clockState: 'late' }, 'clockState'],
    [{ limit: 0 }, 'limit'],
    [{ sort: 'name' }, 'sort'],
    [{ from: '2026-13-01' }, 'from'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ colour: 'red' }, 'colour'],
  ])('bad input %j is a 400 naming %s', async (query, field) => {
    const res = await list(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].field).toBe(field);
  });

  it('shows the case number the store assigned, end to end through the projector', async () => {
    const id = newId();
    const desk = api.token('receptionist', ['P3']);
    const sent = await http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send({ commandId: newId(), payload: complaintPayload(id, 'P3'), occurredAt: '2026-11-19T17:00:00Z' });
    expect(sent.status).toBe(200);
    // 17:00 UTC on the 19th is already the 20th in Asia/Shanghai, still November: the month is the project's.
    expect(sent.body.events[0].caseNumber).toBe('P3-202611-0001');
    await new Projector(db).handle((await api.store.readAll({ limit: 1000 })).events);
    const res = await list({ q: 'P3-202611-0001' }, api.token('supervisor', ['P3']));
    expect(res.body.rows).toMatchObject([{ streamId: `complaint-${id}`, caseNumber: 'P3-202611-0001', clockState: 'breached' }]);
  });

  it('GET /api/visitors: the day\'s register, scoped by project, names masked unless the token may unmask', async () => {
    const desk = api.token('receptionist', ['P4']);
    const checkIn = (visitorId: string, name: string, occurredAt: string) =>
      http.post('/api/commands/CheckInVisitor').set('Authorization', `Bearer ${desk}`).send({
        commandId: newId(), occurredAt,
        payload: { visitorId, projectId: 'P4', visitor: { name, phone: '13700001234', idDocumentNo: '110101199001011234' }, hostLocation: { building: '7', unit: '0801' }, purpose: '探亲 family visit' },
      });
    const [v1, v2, v3] = [newId(), newId(), newId()];
    expect((await checkIn(v1, '赵六', '2026-11-20T01:00:00Z')).status).toBe(200);
    expect((await checkIn(v2, '钱七', '2026-11-20T02:00:00Z')).status).toBe(200);
    expect((await checkIn(v3, '孙八', '2026-11-18T02:00:00Z')).status).toBe(200);
    await http.post('/api/commands/CheckOutVisitor').set('Authorization', `Bearer ${desk}`).send({ commandId: newId(), occurredAt: '2026-11-20T03:00:00Z', payload: { visitorId: v1 } });
    await http.post('/api/commands/CheckOutVisitor').set('Authorization', `Bearer ${desk}`).send({ commandId: newId(), occurredAt: '2026-11-18T03:00:00Z', payload: { visitorId: v3 } });
    await new Projector(db).handle((await api.store.readAll({ limit: 1000 })).events);
    const res = await http.get('/api/visitors').query({ project: 'P4', date: '2026-11-20' }).set('Authorization', `Bearer ${desk}`);
    expect(res.status).toBe(200);
    expect(res.body.visitors).toEqual([
      { visitorId: v1, projectId: 'P4', building: '7', unit: '0801', purpose: '探亲 family visit', checkedInAt: '2026-11-20T01:00:00.000Z', checkedOutAt: '2026-11-20T03:00:00.000Z', checkedInBy: 'receptionist-1', checkedOutBy: 'receptionist-1', visitor: { name: '赵*', phone: '137****1234' } },
      expect.objectContaining({ visitorId: v2, checkedOutAt: null, visitor: { name: '钱*', phone: '137****1234' } }),
    ]);
    const auditor = api.token('auditor', '*', 'auditor-1', ['unmask']);
    // Even an unmasking token sees masked names unless it asks, and every unmasked read is in the access log.
    const masked = await http.get('/api/visitors').query({ project: 'P4', date: '2026-11-20' }).set('Authorization', `Bearer ${auditor}`);
    expect(masked.body.visitors[0].visitor).toEqual({ name: '赵*', phone: '137****1234' });
    const clear = await http.get('/api/visitors').query({ project: 'P4', date: '2026-11-20', unmask: 'true' }).set('Authorization', `Bearer ${auditor}`);
    expect(clear.body.visitors[0].visitor).toEqual({ name: '赵六', phone: '13700001234' });
    const logged = (await api.store.readAll({ limit: 10_000 })).events.filter((e) => e.type === 'AuditAccessRecorded' && (e.data as { target: string }).target === 'visitors-2026-11-20');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ actor: { staffId: 'auditor-1' }, data: { what: 'case_read', unmasked: true } });
    expect((await http.get('/api/visitors').query({ project: 'P4', date: '2026-11-20', unmask: 'true' }).set('Authorization', `Bearer ${desk}`)).status).toBe(403);
    expect((await http.get('/api/visitors').query({ project: 'P4', date: '2026-11-20' }).set('Authorization', `Bearer ${supervisor}`)).status).toBe(403);
    const bad = await http.get('/api/visitors').query({ project: 'P4', date: '20-11-2026' }).set('Authorization', `Bearer ${desk}`);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('date');
  });
});
