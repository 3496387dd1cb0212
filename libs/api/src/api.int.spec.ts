import request from 'supertest';
import { newId } from '@service-ledger/core';
import { commandCatalogue } from '@service-ledger/application';
import { complaintPayload } from '@service-ledger/testing';
import { startTestApi } from '../../../test/support/api';
import { registerProject } from '../../../test/support/projects';

describe('HTTP API', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let http: ReturnType<typeof request>;
  let desk: string;
  const logLength = async () => (await api.store.readAll({ limit: 100_000 })).events.length;
  const send = (name: string, payload: unknown, token = desk, extra: Record<string, unknown> = {}) =>
    http.post(`/api/commands/${name}`).set('Authorization', `Bearer ${token}`).send({ commandId: newId(), payload, ...extra });

  beforeAll(async () => {
    api = await startTestApi();
    // Cases start only in registered projects.
    await registerProject(api.store, 'p1');
    http = request(api.app.getHttpServer());
    desk = api.token('receptionist');
  });
  afterAll(() => api.close());

  it('accepts a command and returns the appended events; the case reads back with personal data masked', async () => {
    const id = newId();
    const res = await send('ReceiveComplaint', complaintPayload(id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ streamId: `complaint-${id}`, version: 1, duplicate: false, events: [{ type: 'ComplaintReceived' }] });
    const events = await http.get(`/api/cases/complaint-${id}/events`).set('Authorization', `Bearer ${desk}`);
    expect(events.status).toBe(200);
    expect(events.body.events[0].data.complainant).toEqual({ name: '张**', phone: '138****1234' });
    const state = await http.get(`/api/cases/complaint-${id}`).set('Authorization', `Bearer ${desk}`);
    expect(state.body.state).toMatchObject({ step: 'received', firstResponderId: 'receptionist-1' });
  });

  it('a retried commandId returns the first result and appends nothing', async () => {
    const body = { commandId: newId(), payload: complaintPayload() };
    const first = await http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send(body);
    const before = await logLength();
    const retry = await http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.duplicate).toBe(true);
    expect(retry.body.events[0].eventId).toBe(first.body.events[0].eventId);
    expect(await logLength()).toBe(before);
  });

  describe('bad input gets a clear 4xx and appends nothing', () => {
    let id: string;
    beforeAll(async () => {
      id = newId();
      await send('ReceiveComplaint', complaintPayload(id), desk, { occurredAt: '2026-01-05T02:00:00Z' });
    });
    const cases: [string, () => request.Test, number, RegExp | string][] = [
      ['malformed JSON', () => http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).set('Content-Type', 'application/json').send('{"commandId": '), 400, 'malformed_json'],
      ['unknown enum value', () => send('ReceiveComplaint', { ...complaintPayload(), channel: 'pigeon' }), 400, /payload\.channel/],
      ['missing field', () => send('ReceiveComplaint', { ...complaintPayload(), content: undefined }), 400, /payload\.content/],
      ['string over the limit', () => send('ReceiveComplaint', { ...complaintPayload(), wishes: 'x'.repeat(2001) }), 400, /payload\.wishes/],
      ['missing commandId', () => http.post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send({ payload: complaintPayload() }), 400, /body\.commandId/],
      ['unknown command', () => send('LaunchRocket', {}), 404, /unknown command/],
      ['occurredAt in the future', () => send('ReplyToComplainant', { complaintId: id, message: 'x' }, desk, { occurredAt: '2099-01-01T00:00:00Z' }), 400, /occurredAt/],
      ['occurredAt before the case began', () => send('ReplyToComplainant', { complaintId: id, message: 'x' }, desk, { occurredAt: '2025-12-31T00:00:00Z' }), 400, /occurredAt/],
      ['command illegal in the current state', () => send('ArchiveComplaint', { complaintId: id }), 409, 'complaint.archive_after_review'],
      ['unknown id', () => send('ReplyToComplainant', { complaintId: newId(), message: 'x' }), 404, /does not exist/],
      ['wrong role', () => send('ReceiveComplaint', complaintPayload(), api.token('technician')), 403, /role 'technician'/],
      ['wrong project', () => send('ReceiveComplaint', complaintPayload(newId(), 'p2')), 403, /project 'p2'/],
      ['no token', () => http.post('/api/commands/ReceiveComplaint').send({ commandId: newId(), payload: complaintPayload() }), 401, /bearer token/],
      ['forged token', () => send('ReceiveComplaint', complaintPayload(), 'eyJhbGciOiJIUzI1NiJ9.e30.x'), 401, /invalid bearer token/],
      ['body too large', () => send('ReceiveComplaint', { ...complaintPayload(), blob: 'x'.repeat(300_000) }), 413, 'payload_too_large'],
    ];
    it.each(cases)('%s', async (_name, call, status, message) => {
      const before = await logLength();
      const res = await call();
      expect(res.status).toBe(status);
      expect(JSON.stringify(res.body)).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|SELECT|stack/);
      expect(await logLength()).toBe(before);
    });
    it('a receptionist cannot read a case of another project: 404, exactly as an unknown case', async () => {
      const other = api.token('receptionist', ['p2']);
      const res = await http.get(`/api/cases/complaint-${id}`).set('Authorization', `Bearer ${other}`);
      const unknown = await http.get(`/api/cases/complaint-${newId()}`).set('Authorization', `Bearer ${other}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ ...unknown.body, message: unknown.body.message.replace(/complaint-\S+/, `complaint-${id}`) });
    });
  });

  it('concurrent commands on one stream: exactly one 200, the rest 409', async () => {
    const id = newId();
    await send('ReceiveComplaint', complaintPayload(id));
    const sup = api.token('supervisor');
    const results = await Promise.all([1, 2, 3].map(() => send('EscalateComplaint', { complaintId: id, level: 'project_manager', reason: 'owner insists' }, sup)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });

  it('GET /health reports the store up', async () => {
    const res = await http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { eventStore: { status: 'up', kind: 'pglite' } } });
  });

  it('OpenAPI at /api/docs-json documents every catalogue command', async () => {
    const res = await http.get('/api/docs-json');
    expect(res.status).toBe(200);
    for (const c of commandCatalogue) expect(res.body.paths).toHaveProperty([`/api/commands/${c.name}`]);
    expect(res.body.paths['/api/commands/ReceiveComplaint'].post.requestBody.content['application/json'].schema.properties.payload.properties.channel.enum).toContain('phone');
  });
});
