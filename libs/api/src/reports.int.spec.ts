import request from 'supertest';
import { ANALYTICS, type Analytics, breachReport, Projector, projectAll } from '@service-ledger/analytics';
import { newId } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { Scenario } from '@service-ledger/testing';
import { startTestApi } from '../../../test/support/api';
import { testAnalytics } from '../../../test/support/chdb';
import { AnalyticsApiModule } from './analytics.module';

/**
 * The three reports over a small hand-built month in two projects: one handler with three follow-up visits on two
 * complaints in p1 — one 不满意 visit that reopened its complaint, then a satisfied one, and a satisfied visit on
 * another — and a late repair in p2.
 */
describe('reports API: breaches, satisfaction per person, complaint analytics', () => {
  let store: EventStore;
  let db: Analytics;
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let first = '';

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    const s = new Scenario(store);
    const complaint = async (received: string) => {
      const id = await s.complaint(received);
      await s.run('ClassifyComplaint', { complaintId: id, nature: 'valid', content: 'service_quality', topic: 'cleaning', reasonable: true, major: false }, received, 'supervisor', 'sup-1');
      await s.run('InvestigateComplaint', { complaintId: id, findings: '楼道一周未清扫', cause: 'subjective' }, received, 'supervisor', 'sup-1');
      await s.run('AssignComplaintResponsibility', { complaintId: id, department: 'customer_service', responsibleStaffId: 'handler-1', promisedReplyBy: '2026-10-30T00:00:00Z' }, received, 'supervisor', 'sup-1');
      return id;
    };
    const handle = (id: string, at: string) => s.run('HandleComplaint', { complaintId: id, solution: '已安排保洁', handledById: 'handler-1', complainantSignedOff: true }, at, 'supervisor', 'sup-1');
    const visit = (id: string, at: string, satisfied: boolean, remarks?: string) =>
      s.run('RecordComplaintFollowUpVisit', { complaintId: id, visitId: newId(), method: 'phone', satisfied, remarks, visitorStaffId: 'desk-1' }, at, 'receptionist', 'desk-1');
    first = await complaint('2026-10-08T09:00:00');
    await handle(first, '2026-10-08T11:00:00');
    await visit(first, '2026-10-09T10:00:00', false, '还是很脏，请回电 13812345678'); // reopens the complaint
    await handle(first, '2026-10-10T11:00:00');
    await visit(first, '2026-10-11T10:00:00', true);
    const second = await complaint('2026-10-20T09:00:00'); // same owner ref, 12 days later: a repeat complainant
    await handle(second, '2026-10-20T10:00:00');
    await visit(second, '2026-10-21T10:00:00', true);
    const late = await s.repairToWork({ category: 'general', reported: '2026-10-05T09:00:00', arrived: '2026-10-05T10:00:00', technician: 'tech-9', project: 'p2' });
    await s.complete(late, '2026-10-09T09:00:00', 'tech-9', 'p2'); // 96 h for a 72 h limit: 24 h over
    db = await testAnalytics('reports');
    await projectAll(store, new Projector(db));
    api = await startTestApi({ store, modules: [AnalyticsApiModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
  }, 120_000);
  afterAll(async () => {
    await api?.app.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  const get = (path: string, token: string) => request(api.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('satisfaction per person counts every visit, the unsatisfied one on the reopened complaint too (2/3, not 3/3), remarks masked', async () => {
    const res = await get('/api/reports/satisfaction?month=2026-10&project=p1', api.token('hr', '*'));
    expect(res.status).toBe(200);
    expect(res.body.people).toEqual([expect.objectContaining({ projectId: 'p1', staffId: 'handler-1', satisfied: 2, visited: 3, rate: 2 / 3 })]);
    expect(res.body.visits.filter((v: { caseId: string }) => v.caseId === first).map((v: { satisfied: boolean }) => v.satisfied)).toEqual([false, true]);
    expect(res.body.visits[0].remarks).toBe('还是很脏，请回电 138****5678');
    const csv = await get('/api/reports/satisfaction?month=2026-10&project=p1&format=csv', api.token('hr', '*'));
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(4); // header + three visits
    expect(csv.text).toContain('138****5678');
    expect(csv.text).not.toContain('13812345678');
  });

  it('the breach report gives count, %, average and maximum time over by person, department, clock, category and building', async () => {
    const res = await get('/api/reports/breaches?month=2026-10&project=p2', api.token('gm_office', '*'));
    expect(res.status).toBe(200);
    // The fix 24 h late (technician), and no follow-up visit ever (first responder): open, counted up to the month's end.
    expect(res.body.breaches.map((b: Record<string, unknown>) => [b.clock, b.responsibleId, b.overSeconds, b.open])).toEqual([
      ['repair_fix', 'tech-9', 24 * 3600, false],
      ['follow_up_visit', 'desk-1', 471 * 3600, true],
    ]);
    const group = (dimension: string) => res.body.groups.filter((g: { dimension: string }) => g.dimension === dimension).map((g: Record<string, unknown>) => [g.key, g.breaches, g.avgHoursOver, g.maxHoursOver]);
    expect(group('person')).toEqual([['desk-1', 1, 471, 471], ['tech-9', 1, 24, 24]]);
    expect(group('clock')).toEqual([['follow_up_visit', 1, 471, 471], ['repair_fix', 1, 24, 24]]);
    expect(group('category')).toEqual([['general', 2, 247.5, 471]]);
    expect(group('building')).toEqual([['5', 2, 247.5, 471]]); // repairPayload's building
    const total = res.body.groups.find((g: { dimension: string }) => g.dimension === 'project');
    expect([total.key, total.breaches, total.rate]).toEqual(['p2', 2, 2 / total.decided]);
  });

  it('the breach list and its totals are judged at one given now: a clock not yet past its deadline is in neither', async () => {
    // The open follow-up clock is 471 h over at the month's end (2026-10-31T16:00Z in Shanghai): due 2026-10-12T01:00Z.
    const filters = { month: '2026-10', project: 'p2', timeZone: 'Asia/Shanghai' };
    const before = await breachReport(db, filters, new Date('2026-10-12T00:59:59Z'));
    expect(before.breaches.map((b) => b.clock)).toEqual(['repair_fix']);
    expect(before.groups.filter((g) => g.dimension === 'person').map((g) => [g.key, g.decided, g.breaches])).toEqual([['tech-9', 1, 1]]);
    const after = await breachReport(db, filters, new Date('2026-10-20T01:00:00Z'));
    expect(after.breaches.map((b) => [b.clock, b.overSeconds])).toEqual([['repair_fix', 24 * 3600], ['follow_up_visit', 192 * 3600]]);
    expect(after.groups.filter((g) => g.dimension === 'person').map((g) => [g.key, g.breaches, g.maxHoursOver])).toEqual([['desk-1', 1, 192], ['tech-9', 1, 24]]);
    const total = after.groups.find((g) => g.dimension === 'project')!;
    expect([total.breaches, total.decided - before.groups.find((g) => g.dimension === 'project')!.decided]).toEqual([after.breaches.length, 1]);
  });

  it('complaint analytics: topic by month, places, causes, repeat complainants by owner ref', async () => {
    const res = await get('/api/reports/complaints?month=2026-10&project=p1&top=5', api.token('project_manager', ['p1']));
    expect(res.status).toBe(200);
    expect(res.body.topicsByMonth).toEqual([{ projectId: 'p1', month: '2026-10', topic: 'cleaning', complaints: 2 }]);
    expect(res.body.places).toEqual([{ projectId: 'p1', building: '3', unit: '1201', complaints: 2, rank: 1 }]);
    expect(res.body.causes).toEqual([{ projectId: 'p1', cause: 'subjective', content: 'service_quality', complaints: 2 }]);
    expect(res.body.repeats).toEqual([expect.objectContaining({ projectId: 'p1', ownerRef: 'owner-3-1201', complaints: 2, topics: ['cleaning'] })]);
    expect(JSON.stringify(res.body)).not.toMatch(/张三丰|13812341234/);
  });

  it('scoped by token: a project manager of p1 gets p1 only, is refused p2, and bad input is a 400 naming the field', async () => {
    const pm = api.token('project_manager', ['p1']);
    const own = await get('/api/reports/breaches?month=2026-10', pm);
    expect(own.status).toBe(200);
    expect(new Set(own.body.groups.map((g: { projectId: string }) => g.projectId))).toEqual(new Set(['p1']));
    expect((await get('/api/reports/breaches?month=2026-10&project=p2', pm)).status).toBe(403);
    expect((await get('/api/reports/satisfaction?month=2026-10&project=p2', pm)).status).toBe(403);
    expect((await get('/api/reports/complaints?month=2026-10', api.token('receptionist', ['p1']))).status).toBe(403);
    const bad = await get('/api/reports/complaints?month=2026-10&top=0', pm);
    expect([bad.status, bad.body.issues[0].field]).toEqual([400, 'top']);
    expect((await get('/api/reports/breaches?month=10-2026', pm)).body.issues[0].field).toBe('month');
  });
});
