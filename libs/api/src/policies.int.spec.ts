import request from 'supertest';
import { ANALYTICS, type Analytics, projectAll, Projector } from '@service-ledger/analytics';
import { newId } from '@service-ledger/core';
import { complaintPayload } from '@service-ledger/testing';
import { testAnalytics } from '../../../test/support/chdb';
import { startTestApi } from '../../../test/support/api';
import { AnalyticsApiModule } from './analytics.module';

describe('HTTP API: policies and what-if', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let http: ReturnType<typeof request>;
  let db: Analytics;
  const day = [['09:00', '17:00']];
  const calendar = { week: { mon: day, tue: day, wed: day, thu: day, fri: day } };
  const send = (name: string, payload: unknown, token: string, occurredAt?: string) =>
    http.post(`/api/commands/${name}`).set('Authorization', `Bearer ${token}`).send({ commandId: newId(), payload, occurredAt });

  beforeAll(async () => {
    db = await testAnalytics('policies_api');
    api = await startTestApi({ modules: [AnalyticsApiModule.register({ timeZone: 'Asia/Shanghai' })], providers: [{ provide: ANALYTICS, useValue: db }] });
    http = request(api.app.getHttpServer());
  }, 180_000);
  afterAll(async () => {
    await api.close();
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('the GM office sets a project policy; a receptionist may not, a project manager may not set the company’s', async () => {
    const register = await send('RegisterProject', { projectId: 'p1', name: '翠湖花园', city: '杭州', buildings: [{ building: '1', units: ['0101'] }] }, api.token('admin', '*'), '2026-01-01T00:00:00+08:00');
    expect(register.status).toBe(200);
    const change = { projectId: 'p1', effectiveFrom: '2026-03-01T00:00:00+08:00', reason: 'service centre now 09:00–17:00', sections: { calendar } };
    expect((await send('ChangePolicy', change, api.token('receptionist'))).status).toBe(403);
    expect((await send('ChangePolicy', { ...change, projectId: undefined }, api.token('project_manager'))).status).toBe(403);
    const bad = await send('ChangePolicy', { ...change, sections: { sla: { urgentFix: 'tomorrow' } } }, api.token('gm_office', '*'));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/payload\.sections\.sla\.urgentFix/);
    const ok = await send('ChangePolicy', change, api.token('gm_office', '*'), '2026-02-20T00:00:00+08:00');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ streamId: 'policy-p1', version: 1, events: [{ type: 'PolicyChanged' }] });
  }, 180_000);

  it('GET /api/policies shows the version in force, scoped by the token', async () => {
    const desk = api.token('receptionist');
    const now = await http.get('/api/policies').set('Authorization', `Bearer ${desk}`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ projectId: 'p1', version: 'p1#1', calendar: { standardWorkingDay: 'PT8H' }, sla: { complaintFirstReplyWorkingMs: { iso: 'PT4H' } } });
    expect(now.body.history).toEqual([expect.objectContaining({ id: 'p1#1', setBy: 'gm_office-1 (gm_office)', reason: 'service centre now 09:00–17:00' })]);
    const before = await http.get('/api/policies?asOf=2026-02-28T23:59:59%2B08:00').set('Authorization', `Bearer ${desk}`);
    expect(before.body).toMatchObject({ version: 'default', sla: { complaintFirstReplyWorkingMs: { iso: 'PT3H45M' } } });
    expect((await http.get('/api/policies?project=p2').set('Authorization', `Bearer ${desk}`)).status).toBe(403);
    const badAsOf = await http.get('/api/policies?asOf=yesterday').set('Authorization', `Bearer ${desk}`);
    expect(badAsOf.status).toBe(400);
    expect(badAsOf.body.message).toMatch(/asOf/);
  }, 180_000);

  it('POST /api/kpis/whatif compares a month under a proposal; bad input is a 400 naming the field', async () => {
    const id = newId();
    await send('ReceiveComplaint', complaintPayload(id), api.token('receptionist'), '2026-03-10T15:00:00+08:00');
    await send('ReplyToComplainant', { complaintId: id, message: 'on it' }, api.token('receptionist'), '2026-03-10T18:00:00+08:00');
    await projectAll(api.store, new Projector(db));
    const gm = api.token('gm_office', '*');
    expect((await http.post('/api/kpis/whatif').set('Authorization', `Bearer ${api.token('receptionist')}`).send({ month: '2026-03', project: 'p1', policy: { sla: { halfWorkingDay: 'PT1H' } } })).status).toBe(403);
    const bad = await http.post('/api/kpis/whatif').set('Authorization', `Bearer ${gm}`).send({ month: '2026-03', policy: { sla: { halfWorkingDay: 5 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/policy\.sla\.halfWorkingDay/);
    // 15:00 → 18:00 is 2 working hours on 09:00–17:00: on time with half a day (4 h), late under a proposed 1 h.
    const res = await http.post('/api/kpis/whatif').set('Authorization', `Bearer ${gm}`).send({ month: '2026-03', project: 'p1', policy: { sla: { halfWorkingDay: 'PT1H' } } });
    expect(res.status).toBe(200);
    const k = res.body.projects[0].kpis.find((x: { id: string }) => x.id === 'complaint_first_reply_half_day');
    expect(k).toMatchObject({ old: { numerator: 1, denominator: 1 }, new: { numerator: 0, denominator: 1 }, difference: -1 });
  }, 180_000);
});
