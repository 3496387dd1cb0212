import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Analytics, Projector } from '@service-ledger/analytics';
import type { AlertRoute } from '@service-ledger/config';
import { FixedClock, newId, type Role } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { complaintPayload, contextFor, repairPayload } from '@service-ledger/testing';
import request from 'supertest';
import { AlertEventsModule } from '@service-ledger/api';
import { startTestApi } from '../../../test/support/api';
import { testAnalytics } from '../../../test/support/chdb';
import { dingTalkSign, listAlerts, Notifier } from './index';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real webhook receiver on 127.0.0.1: records every request; answers per path from a script (default 200). */
async function startReceiver(): Promise<{ url: string; received: Received[]; script: Map<string, number[]>; close(): Promise<void> }> {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const status = script.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { errcode: 0, errmsg: 'ok' } : { error: 'boom' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, script, close: () => new Promise((r) => server.close(() => r())) };
}

const SECRET = 'engineering-supervisor-secret';
const DING_SECRET = 'SECdingtalk-robot-secret-0001';
const START = new Date('2026-11-20T02:00:00.000Z'); // Friday 10:00 in Asia/Shanghai

describe('notifier: pre-breach alerts to real webhooks, once per clock and threshold', () => {
  let store: EventStore;
  let db: Analytics;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let routes: AlertRoute[];
  const clock = new FixedClock(START);
  let pipeline: CommandPipeline;
  const repairId = newId();
  const complaintId = newId();
  const as = (role: Role) => contextFor(role, `${role}-1`, ['P1']);
  const project = async (into = db) => {
    const { events } = await store.readAll({ limit: 100_000 });
    await new Projector(into).handle(events);
  };
  const notifier = (over: Partial<ConstructorParameters<typeof Notifier>[3]> = {}) =>
    new Notifier(db, store, new CommandPipeline(store, clock), { routes, lookbackMs: 24 * 3600_000, attempts: 3, backoffMs: 20, clock, ...over });
  const at = (path: string) => receiver.received.filter((r) => r.path.startsWith(path));
  const alertEvents = async () => (await store.readAll({ limit: 100_000 })).events.filter((e) => e.type.startsWith('Alert'));

  beforeAll(async () => {
    receiver = await startReceiver();
    routes = [
      { name: 'eng-sup', project: 'P1', role: 'engineering_supervisor', kind: 'json', url: `${receiver.url}/eng`, secret: SECRET },
      { name: 'managers', project: '*', role: 'project_manager', kind: 'dingtalk', url: `${receiver.url}/pm?access_token=t`, secret: DING_SECRET },
      { name: 'gm-office', project: '*', role: 'gm_office', kind: 'wecom', url: `${receiver.url}/gm?key=k` },
      { name: 'cs-sup', project: 'P1', role: 'supervisor', kind: 'json', url: `${receiver.url}/sup`, secret: SECRET },
    ];
    store = await createEventStore({ kind: 'pglite' });
    db = await testAnalytics('notifier');
    pipeline = new CommandPipeline(store, clock);
    await pipeline.execute('RegisterProject', { projectId: 'P1', name: '翠湖花园', city: '杭州', buildings: [{ building: '3', units: ['1201'] }, { building: '5', units: ['0302'] }] }, contextFor('admin', 'admin-1', '*', '2026-01-01T00:00:00Z'));
    await pipeline.execute('ReportRepair', repairPayload(repairId, 'P1', { category: 'urgent' }), as('receptionist'));
    await pipeline.execute('ReceiveComplaint', complaintPayload(complaintId, 'P1'), as('receptionist'));
    await pipeline.execute('ClassifyComplaint', { complaintId, nature: 'valid', content: 'service_attitude', topic: 'cleaning', reasonable: true, major: true }, as('supervisor'));
    await project();
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });

  it('a major complaint goes to the GM office at once, in the WeCom robot format, and is recorded as events', async () => {
    const report = await notifier().tick();
    expect(report.raised).toEqual([`${complaintId}-mj-m`]);
    expect(at('/gm')).toHaveLength(1);
    const body = JSON.parse(at('/gm')[0].body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('P1-202611-0002');
    const recorded = await alertEvents();
    expect(recorded.map((e) => [e.type, (e.data as { role?: string }).role ?? (e.data as { route?: string }).route])).toEqual([['AlertRaised', 'gm_office'], ['AlertDelivered', 'gm-office']]);
    expect(recorded[0].actor).toEqual({ staffId: 'notifier', role: 'system' });
    expect(at('/eng')).toHaveLength(0); // nothing else is due yet
  });

  it('warns the engineering supervisor at the warning point, retried after a 500, with a valid HMAC-SHA256 signature', async () => {
    clock.set(new Date(START.getTime() + 89 * 60_000));
    expect((await notifier().tick()).raised).toEqual([]);
    clock.set(new Date(START.getTime() + 90 * 60_000)); // 75 % of the urgent repair's 2 h arrival limit
    receiver.script.set('/eng', [500]);
    const report = await notifier().tick();
    expect(report.raised).toEqual([`${repairId}-ar-w`]);
    expect(report.delivered).toEqual([`${repairId}-ar-w/eng-sup`]);
    const tries = at('/eng');
    expect(tries).toHaveLength(2);
    for (const t of tries) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${t.headers['x-service-ledger-timestamp']}.${t.body}`).digest('hex')}`;
      expect(t.headers['x-service-ledger-signature']).toBe(expected);
    }
    expect(JSON.parse(tries[1].body)).toMatchObject({ alertId: `${repairId}-ar-w`, threshold: 'warning', role: 'engineering_supervisor', caseNumber: 'P1-202611-0001', clock: 'repair_arrival' });
    const delivered = (await alertEvents()).filter((e) => e.type === 'AlertDelivered').at(-1)!;
    expect(delivered.data).toMatchObject({ route: 'eng-sup', attempts: 2 });
  });

  it('does not repeat an alert on the next look, after a restart, or after the analytics are replayed from the store', async () => {
    const before = receiver.received.length;
    expect(await notifier().tick()).toEqual({ raised: [], delivered: [], deadLettered: [] });
    await project();
    expect(await notifier().tick()).toEqual({ raised: [], delivered: [], deadLettered: [] }); // a new instance: a restart
    const replayed = await testAnalytics('notifier_replay');
    try {
      await project(replayed);
      const rebuilt = new Notifier(replayed, store, new CommandPipeline(store, clock), { routes, lookbackMs: 24 * 3600_000, attempts: 3, backoffMs: 20, clock });
      expect(await rebuilt.tick()).toEqual({ raised: [], delivered: [], deadLettered: [] });
      // Even with no alerts table at all, the store refuses a second AlertRaised for the same clock and threshold.
      await replayed.command(`TRUNCATE TABLE ${replayed.table('alerts')}`);
      expect((await rebuilt.tick()).raised).toEqual([]);
    } finally {
      await replayed.command(`DROP DATABASE IF EXISTS \`${replayed.database}\``);
    }
    expect(receiver.received.length).toBe(before);
  });

  it('reports the breach to the project manager at the deadline, through DingTalk’s signed URL', async () => {
    clock.set(new Date(START.getTime() + 120 * 60_000));
    const report = await notifier().tick();
    expect(report.raised).toEqual([`${repairId}-ar-b`]);
    const [call] = at('/pm');
    const url = new URL(call.path, receiver.url);
    const timestamp = url.searchParams.get('timestamp')!;
    expect(encodeURIComponent(url.searchParams.get('sign')!)).toBe(dingTalkSign(DING_SECRET, timestamp));
    expect(JSON.parse(call.body)).toMatchObject({ msgtype: 'markdown', markdown: { title: expect.stringContaining('P1-202611-0001') } });
  });

  it('runs the complaint’s half-day clock on working time, dead-letters a route that keeps failing, and delivers it after an admin’s retry', async () => {
    await project();
    const [clockRow] = await db.query<{ warning_at: string }>("SELECT toString(warning_at) AS warning_at FROM {{sla_clocks}} FINAL WHERE clock = 'complaint_first_reply'");
    const warningAt = new Date(`${clockRow.warning_at.replace(' ', 'T')}Z`);
    // 75 % of 4 working hours from Friday 10:00 falls after the lunch break, not at 13:00 wall-clock time.
    expect(warningAt.getTime()).toBeGreaterThan(START.getTime() + 3 * 3600_000);
    clock.set(new Date(warningAt.getTime() - 1000));
    expect((await notifier().tick()).raised).toEqual([]);
    clock.set(warningAt);
    receiver.script.set('/sup', [500, 500, 500]);
    const report = await notifier().tick();
    expect(report.raised).toEqual([`${complaintId}-fr-w`]);
    expect(report.deadLettered).toEqual([`${complaintId}-fr-w/cs-sup`]);
    expect(at('/sup')).toHaveLength(3);
    await project();
    const dead = await listAlerts(db, { status: 'dead', projects: [] });
    expect(dead).toMatchObject([{ alertId: `${complaintId}-fr-w`, route: 'cs-sup', role: 'supervisor', attempts: 3, lastError: 'HTTP 500' }]);
    expect((await notifier().tick()).delivered).toEqual([]); // dead letters wait for a person
    await pipeline.execute('RetryAlertDelivery', { alertId: `${complaintId}-fr-w`, reason: 'robot fixed' }, contextFor('admin', 'admin-1', '*'));
    await project();
    expect((await notifier().tick()).delivered).toEqual([`${complaintId}-fr-w/cs-sup`]);
    await project();
    expect(await listAlerts(db, { status: 'dead', projects: [] })).toEqual([]);
  });

  it('escalates a major complaint classified through the API at once, from the EventBus, without waiting for a look', async () => {
    const live = notifier();
    const api = await startTestApi({ store, clock, modules: [AlertEventsModule.register(live)] });
    try {
      const http = request(api.app.getHttpServer());
      const id = newId();
      const send = (name: string, payload: unknown, role: Role) =>
        http.post(`/api/commands/${name}`).set('Authorization', `Bearer ${api.token(role, ['P1'])}`).send({ commandId: newId(), payload });
      expect((await send('ReceiveComplaint', complaintPayload(id, 'P1'), 'receptionist')).status).toBe(200);
      const before = at('/gm').length;
      expect((await send('ClassifyComplaint', { complaintId: id, nature: 'valid', content: 'service_quality', topic: 'lifts', reasonable: true, major: true }, 'supervisor')).status).toBe(200);
      for (let i = 0; i < 100 && at('/gm').length === before; i++) await new Promise((r) => setTimeout(r, 50));
      expect(at('/gm')).toHaveLength(before + 1);
      expect(JSON.parse(at('/gm').at(-1)!.body).markdown.content).toContain('P1-202611-0003');
      // The next look finds it recorded and raises nothing again.
      await project();
      expect((await live.tick()).raised).toEqual([]);
    } finally {
      await api.app.close();
    }
  });
});
