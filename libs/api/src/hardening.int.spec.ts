import request from 'supertest';
import { newId } from '@service-ledger/core';
import { complaintPayload, repairPayload } from '@service-ledger/testing';
import { startTestApi } from '../../../test/support/api';

/** Issue 14: idempotency keys, client-side concurrency, scoped unmasking, audit scope; each fails without its fix. */
describe('API hardening', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let http: ReturnType<typeof request>;
  const count = async () => (await api.store.readAll({ limit: 100_000 })).events.length;
  const send = (name: string, payload: unknown, token: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    let req = http.post(`/api/commands/${name}`).set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.send({ commandId: newId(), payload, ...extra });
  };

  beforeAll(async () => {
    api = await startTestApi();
    http = request(api.app.getHttpServer());
  });
  afterAll(() => api.close());

  it('plain JSON bodies (read without body-parser) decode as body-parser did: BOM, charset, Chinese text, strict object or array', async () => {
    const desk = api.token('receptionist');
    const raw = (body: string, type = 'application/json') => http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).set('Content-Type', type).send(body);
    const id = newId();
    const body = JSON.stringify({ commandId: newId(), payload: { ...complaintPayload(id), content: '电梯门关不上，已经三天了' } });
    // Sent as UTF-8: the BOM's bytes EF BB BF, then the text.
    const withBom = await raw(`\uFEFF${body}`);
    expect([withBom.status, withBom.body.error, withBom.body.message]).toEqual([200, undefined, undefined]);
    const stored = (await api.store.readAll({ limit: 100_000 })).events.find((e) => e.streamId === withBom.body.streamId);
    expect((stored?.data as { content?: string }).content).toBe('电梯门关不上，已经三天了');
    expect((await raw(JSON.stringify({ commandId: newId(), payload: complaintPayload() }), 'application/json; charset=UTF-8')).status).toBe(200);
    expect((await raw(JSON.stringify({ commandId: newId(), payload: complaintPayload() }), 'application/vnd.api+json')).status).toBe(200);
    for (const scalar of ['"text"', '42', ' null', 'true']) {
      const refused = await raw(scalar);
      expect([refused.status, refused.body.error]).toEqual([400, 'malformed_json']);
    }
    const notJson = await raw('{"commandId": "x", }');
    expect([notJson.status, notJson.body.error]).toEqual([400, 'malformed_json']);
  });

  it('a commandId reused with another payload or command is a 409 naming the rule; the same request is a duplicate', async () => {
    const desk = api.token('receptionist');
    const commandId = newId();
    const payload = complaintPayload();
    expect((await send('ReceiveComplaint', payload, desk, { commandId })).status).toBe(200);
    const before = await count();
    const same = await send('ReceiveComplaint', payload, desk, { commandId });
    expect(same.body).toMatchObject({ duplicate: true });
    const changed = await send('ReceiveComplaint', { ...payload, content: 'something else entirely' }, desk, { commandId });
    expect(changed.status).toBe(409);
    expect(changed.body.rule).toBe('command.id_reused');
    const otherCommand = await send('ReceiveComplaint', complaintPayload(), desk, { commandId });
    expect(otherCommand.body.rule).toBe('command.id_reused');
    expect(await count()).toBe(before);
  });

  it("another project's caller replaying a commandId learns nothing of the original", async () => {
    const commandId = newId();
    const id = newId();
    const first = await send('ReceiveComplaint', complaintPayload(id), api.token('receptionist'), { commandId });
    const replay = await send('ReplyToComplainant', { complaintId: id, message: 'x' }, api.token('receptionist', ['p2']), { commandId });
    expect(replay.status).toBe(404);
    expect(JSON.stringify(replay.body)).not.toContain(first.body.events[0].eventId);
  });

  it('If-Match with the ETag of GET /api/cases: of ten overlapping dispatches exactly one wins, the rest 409', async () => {
    const id = newId();
    expect((await send('ReportRepair', repairPayload(id), api.token('receptionist'))).status).toBe(200);
    const read = await http.get(`/api/cases/repair-${id}`).set('Authorization', `Bearer ${api.token('engineering_supervisor')}`);
    expect(read.headers.etag).toBe('"1"');
    const eng = api.token('engineering_supervisor');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send('DispatchRepair', { repairId: id, technicianId: `tech-${i}`, dispatchNo: `D-${i}` }, eng, {}, { 'If-Match': read.headers.etag })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    // A stale expectedVersion in the body is refused the same way, sequentially too.
    const stale = await send('DispatchRepair', { repairId: id, technicianId: 'tech-x', dispatchNo: 'D-x' }, eng, { expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('concurrency_conflict');
  });

  it('cases start only in registered projects; registering a project twice is a rule, not a race', async () => {
    const admin = api.token('admin', '*');
    const nope = await send('ReceiveComplaint', complaintPayload(newId(), 'NOPE99'), admin);
    expect(nope.status).toBe(400);
    expect(nope.body.issues[0]).toMatchObject({ field: 'payload.projectId', rule: 'registered_project' });
    const again = await send('RegisterProject', { projectId: 'p1', name: 'x', city: 'y', buildings: [{ building: '1', units: [] }] }, admin);
    expect(again.status).toBe(409);
    expect(again.body.rule).toBe('project.already_exists');
  });

  it('phones typed into free text are masked; follow-up staff unmask their own project only, and every unmask is logged', async () => {
    const id = newId();
    await send('ReceiveComplaint', { ...complaintPayload(id), content: '业主说请打13812345678回电' }, api.token('receptionist'));
    const masked = await http.get(`/api/cases/complaint-${id}/events`).set('Authorization', `Bearer ${api.token('receptionist')}`);
    expect(masked.body.events[0].data.content).toBe('业主说请打138****5678回电');
    const followUp = api.token('receptionist', ['p1'], 'desk-7', ['unmask']);
    const open = await http.get(`/api/cases/complaint-${id}/events?unmask=true`).set('Authorization', `Bearer ${followUp}`);
    expect(open.body.events[0].data.complainant.phone).toBe('13812341234');
    expect((await http.get(`/api/cases/complaint-${id}?unmask=true`).set('Authorization', `Bearer ${api.token('receptionist')}`)).status).toBe(403);
    expect((await http.get(`/api/cases/complaint-${id}?unmask=true`).set('Authorization', `Bearer ${api.token('technician', ['p1'], 't', ['unmask'])}`)).status).toBe(403);
    expect((await http.get(`/api/cases/complaint-${id}?unmask=true`).set('Authorization', `Bearer ${api.token('receptionist', ['p2'], 'd', ['unmask'])}`)).status).toBe(404);
    const log = await http.get(`/api/audit/access-log?date=${new Date().toISOString().slice(0, 10)}`).set('Authorization', `Bearer ${api.token('auditor', '*')}`);
    expect(log.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ what: 'case_read', target: `complaint-${id}`, unmasked: true, projectId: 'p1', actor: { staffId: 'desk-7', role: 'receptionist' } })]));
  });

  it('audit routes are scoped: another project is 404 like an unknown case, the access log shows only own lines, verify needs company-wide', async () => {
    const id = newId();
    await send('ReceiveComplaint', complaintPayload(id, 'p2'), api.token('receptionist', ['p2']));
    const p1Auditor = api.token('auditor', ['p1'], 'aud-1', ['unmask']);
    const other = await http.get(`/api/audit/cases/complaint-${id}/events?unmask=true`).set('Authorization', `Bearer ${p1Auditor}`);
    const unknownId = newId();
    const unknown = await http.get(`/api/audit/cases/complaint-${unknownId}/events?unmask=true`).set('Authorization', `Bearer ${p1Auditor}`);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body).replace(id, '<id>')).toBe(JSON.stringify(unknown.body).replace(unknownId, '<id>'));
    expect((await http.get(`/api/audit/cases/${id}`).set('Authorization', `Bearer ${p1Auditor}`)).status).toBe(404);
    await http.get(`/api/audit/cases/complaint-${id}/events`).set('Authorization', `Bearer ${api.token('auditor', '*')}`);
    const log = await http.get(`/api/audit/access-log?date=${new Date().toISOString().slice(0, 10)}`).set('Authorization', `Bearer ${p1Auditor}`);
    expect(log.status).toBe(200);
    expect(log.body.entries.every((e: { projectId: string }) => e.projectId === 'p1')).toBe(true);
    expect(JSON.stringify(log.body)).not.toContain(id);
    expect((await http.get('/api/audit/verify').set('Authorization', `Bearer ${p1Auditor}`)).status).toBe(403);
  });

  it('security headers by helmet, no X-Powered-By; NUL in a query string is a 400 naming it', async () => {
    const res = await http.get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const nul = await http.get('/api/audit/access-log?date=2026-01-01%00').set('Authorization', `Bearer ${api.token('auditor', '*')}`);
    expect(nul.status).toBe(400);
    expect(nul.body.issues[0].field).toBe('query.date');
  });
});
