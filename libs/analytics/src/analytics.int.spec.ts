import { newId } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { repairPayload, Scenario } from '@service-ledger/testing';
import { testAnalytics } from '../../../test/support/chdb';
import { registerProject } from '../../../test/support/projects';
import type { Analytics } from './client';
import { kpiDocument, KPIS, runKpis, staffScorecard } from './kpi';
import { compareDatabases, dumpTable, projectAll, replay } from './projector/replay';
import { Projector } from './projector/projector';
import { PROJECTION_TABLES } from './schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A month of hand-built cases (March 2026, Asia/Shanghai) with verdicts computed by hand, written through the real
 * command pipeline into PGlite, projected into chDB, and read back through the KPI queries.
 */
describe('analytics: projector and KPIs on chDB', () => {
  let store: EventStore;
  let db: Analytics;
  let s: Scenario;
  let projector: Projector;
  const kpi = async (month = '2026-03', filters: Record<string, string> = {}) => Object.fromEntries((await runKpis(db, { month, ...filters })).map((k) => [k.id, [k.numerator, k.denominator]]));

  // Small batches, so cases span several of them.
  const projectInBatches = (target: Projector, batchSize = 7) => projectAll(store, target, batchSize);

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    db = await testAnalytics('scenario');
    await registerProject(store, 'p1');
    s = new Scenario(store);

    // Repairs
    const r1 = await s.repairToWork({ category: 'urgent', reported: '2026-03-10T10:00:00', arrived: '2026-03-10T12:00:00', technician: 'tech-1' });
    await s.complete(r1, '2026-03-11T09:00:00', 'tech-1');
    await s.run('ReceiveRepairPayment', { repairId: r1, amount: 3000, method: 'wechat' }, '2026-03-11T10:00:00');
    await s.run('RecordRepairFollowUpVisit', { repairId: r1, visitId: newId(), method: 'phone', satisfied: true, visitorStaffId: 'desk-2' }, '2026-03-12T10:00:00');
    const r2 = await s.repairToWork({ category: 'urgent', reported: '2026-03-10T10:00:00', arrived: '2026-03-10T12:00:01', technician: 'tech-2' });
    await s.complete(r2, '2026-03-11T11:00:00', 'tech-2');
    await s.run('RecordRepairFollowUpVisit', { repairId: r2, visitId: newId(), method: 'phone', satisfied: false, remarks: 'still drips', visitorStaffId: 'desk-2' }, '2026-03-12T10:00:00');
    const r3 = await s.repairToWork({ category: 'general', reported: '2026-03-02T09:00:00', arrived: '2026-03-02T15:00:00', technician: 'tech-1' });
    await s.complete(r3, '2026-03-05T10:00:00', 'tech-1');
    const r4 = await s.repairToWork({ category: 'general', reported: '2026-03-20T09:00:00', arrived: '2026-03-20T10:00:00', technician: 'tech-2' });
    await s.run('PauseRepair', { repairId: r4, reason: 'owner_absent' }, '2026-03-20T11:00:00', 'technician', 'tech-2');
    await s.run('ResumeRepair', { repairId: r4 }, '2026-03-21T11:00:00', 'technician', 'tech-2');
    await s.complete(r4, '2026-03-23T17:00:00', 'tech-2');
    await s.run('ReportRepair', { ...repairPayload(newId()), category: 'general' }, '2026-03-25T09:00:00');
    await s.run('ReportRepair', { ...repairPayload(newId()), category: 'general', reworkOf: r1 }, '2026-03-20T09:00:00');

    // Complaints
    const c1 = await s.complaint('2026-03-10T10:00:00');
    await s.run('ClassifyComplaint', { complaintId: c1, nature: 'valid', content: 'service_attitude', topic: 'cleaning', reasonable: true, major: false }, '2026-03-10T10:05:00', 'supervisor');
    await s.run('AssignComplaintResponsibility', { complaintId: c1, department: 'cleaning', promisedReplyBy: '2026-03-12T10:00:00+08:00' }, '2026-03-10T10:10:00', 'supervisor');
    // Half of the default 7.5 h working day: 3 h 45 min of working time, 10:00 → 15:15 across the lunch break.
    await s.run('ReplyToComplainant', { complaintId: c1, message: 'on it' }, '2026-03-10T15:15:00');
    await s.run('HandleComplaint', { complaintId: c1, solution: 'cleaned', handledById: 'cleaner-1', complainantSignedOff: true }, '2026-03-11T09:30:00');
    await s.run('RecordComplaintFollowUpVisit', { complaintId: c1, visitId: newId(), method: 'phone', satisfied: true, visitorStaffId: 'desk-2' }, '2026-03-12T10:00:00');
    const c2 = await s.complaint('2026-03-13T16:00:00');
    await s.run('ClassifyComplaint', { complaintId: c2, nature: 'communicative', communicativeKind: 'inquiry', content: 'facilities', topic: 'lifts', reasonable: true, major: false }, '2026-03-13T16:05:00', 'supervisor');
    // Fri 16:00–17:30 is 1 h 30 min; the other 2 h 15 min run from Monday 08:30 to 10:45.
    await s.run('ReplyToComplainant', { complaintId: c2, message: 'answer' }, '2026-03-16T10:45:01');
    await s.run('HandleComplaint', { complaintId: c2, solution: 'explained', handledById: 'desk-1', complainantSignedOff: true }, '2026-03-16T14:00:00');
    await s.run('RecordComplaintFollowUpVisit', { complaintId: c2, visitId: newId(), method: 'door', satisfied: false, visitorStaffId: 'desk-2' }, '2026-03-17T10:00:00');
    const c3 = await s.complaint('2026-03-20T10:00:00');
    await s.run('ClassifyComplaint', { complaintId: c3, nature: 'valid', content: 'sudden_event', topic: 'water', reasonable: true, major: true }, '2026-03-20T10:05:00', 'supervisor');

    // Help requests
    const h = { projectId: 'p1', kind: 'help_request', category: 'G', channel: 'phone', requester: { name: '王小明', phone: '13700002222' }, ownerRef: 'o-9', description: 'lost key' };
    const h1 = newId();
    await s.run('ReceiveHelpRequest', { requestId: h1, ...h }, '2026-03-10T10:00:00');
    await s.run('AnswerHelpRequest', { requestId: h1, answer: 'spare key at desk' }, '2026-03-10T10:05:00');
    const h2 = newId();
    await s.run('ReceiveHelpRequest', { requestId: h2, ...h }, '2026-03-10T10:00:00');
    await s.run('ReferHelpRequest', { requestId: h2, referredToId: 'sup-1', reason: 'needs the supervisor' }, '2026-03-10T10:02:00');
    await s.run('AnswerHelpRequest', { requestId: h2, answer: 'done' }, '2026-03-10T10:06:00');

    projector = new Projector(db);
    await projectInBatches(projector);
  }, 120_000);

  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  it('repair KPIs match the hand-computed figures', async () => {
    const k = await kpi();
    expect(k.repair_timeliness).toEqual([2, 4]);
    expect(k.repair_completion).toEqual([4, 6]);
    expect(k.repair_follow_up_rate).toEqual([2, 4]);
    expect(k.repair_satisfaction).toEqual([1, 2]);
    expect(k.urgent_on_site_2h).toEqual([1, 2]);
    expect(k.urgent_fixed_24h).toEqual([1, 2]);
    expect(k.general_fixed_72h).toEqual([1, 2]);
    expect(k.rework_rate).toEqual([1, 4]);
    expect(k.first_time_fix).toEqual([3, 4]);
    expect(k.fees_collected[0]).toBe(3000);
  });

  it('complaint and visit KPIs match the hand-computed figures', async () => {
    const k = await kpi();
    expect(k.complaints_received[0]).toBe(3);
    expect(k.valid_complaint_rate).toEqual([2, 3]);
    expect(k.complaint_first_reply_half_day).toEqual([1, 3]); // C1 met at exactly 15:15; C2 1 s late; C3 never replied
    expect(k.complaint_promised_reply).toEqual([1, 1]);
    expect(k.complaint_timeliness).toEqual([1, 3]);
    expect(k.complaint_reopen_rate).toEqual([1, 3]);
    expect(k.major_complaints[0]).toBe(1);
    expect(k.follow_up_visit_rate).toEqual([3, 5]);
    expect(k.satisfaction_rate).toEqual([2, 4]);
    expect(k.help_answered_5min).toEqual([1, 2]);
  });

  it('breaches are kept with their deadline and how long over', async () => {
    const rows = await db.query<{ clock: string; breach_seconds: string }>(
      "SELECT clock, breach_seconds FROM {{sla_clocks}} FINAL WHERE status = 'breached' ORDER BY clock, breach_seconds",
    );
    expect(rows.map((r) => [r.clock, Number(r.breach_seconds)])).toEqual([
      ['complaint_first_reply', 1],
      ['help_answer', 60],
      ['repair_arrival', 1],
      ['repair_fix', 3600],
      ['repair_fix', 3600],
    ]);
    const history = await db.query<{ n: string }>("SELECT count() AS n FROM {{sla_clock_history}} FINAL WHERE status = 'running'");
    expect(Number(history[0].n)).toBeGreaterThan(10);
  });

  it('staff scorecard credits technicians and attributes the rework to the original technician', async () => {
    const card = await staffScorecard(db, { month: '2026-03', project: 'p1' });
    const t1 = card.find((c) => c.staffId === 'tech-1')!;
    const t2 = card.find((c) => c.staffId === 'tech-2')!;
    expect(t1).toMatchObject({ handled: 2, onTime: 1, onTimeBase: 2, satisfied: 1, visited: 1, reworks: 1, score: 75 });
    expect(t2).toMatchObject({ handled: 2, onTime: 1, satisfied: 0, visited: 1, reworks: 0, score: 40 });
    expect(t1.rank).toBeLessThan(t2.rank);
    // desk-1 received four repairs and three complaints; the other reports were taken by receptionist-1.
    expect(card.find((c) => c.staffId === 'desk-1')!.firstResponderJobs).toBe(7);
  });

  it('filters: another project sees nothing, a person sees their own cases', async () => {
    expect((await kpi('2026-03', { project: 'p2' })).repair_timeliness).toEqual([0, 0]);
    expect((await kpi('2026-03', { staff: 'tech-1' })).repair_timeliness).toEqual([1, 2]);
  });

  it('delivering every event twice changes nothing', async () => {
    const before = await Promise.all(PROJECTION_TABLES.map((t) => dumpTable(db, t)));
    await projectInBatches(new Projector(db, { cacheSize: 0 }), 11);
    const after = await Promise.all(PROJECTION_TABLES.map((t) => dumpTable(db, t)));
    expect(after).toEqual(before);
  });

  it('a replay into an empty database equals the live tables, row by row', async () => {
    const target = db.withDatabase(`${db.database}_replay`);
    const result = await replay(store, target);
    expect(result.events).toBeGreaterThan(50);
    for (const t of PROJECTION_TABLES) expect(await dumpTable(target, t)).toEqual(await dumpTable(db, t));
    expect((await compareDatabases(db, target)).equal).toBe(true);
    await target.command(`DROP DATABASE \`${target.database}\``);
  });

  it('an unknown event type is quarantined with the reason, counted, and the projector goes on', async () => {
    const id = newId();
    await store.append(`complaint-${id}`, [{ type: 'ComplaintTeleported', schemaVersion: 1, data: {}, metadata: { occurredAt: '2026-03-30T00:00:00Z', actor: { staffId: 'x', role: 'system' }, projectId: 'p1', correlationId: id, causationId: null } }], 'no_stream');
    await s.complaint('2026-03-30T10:00:00');
    const before = projector.stats.quarantined;
    const all = await store.readAll({ limit: 100_000 });
    await projector.handle(all.events.slice(-2));
    expect(projector.stats.quarantined).toBe(before + 1);
    const q = await db.query<{ reason: string }>('SELECT reason FROM {{quarantine}} FINAL');
    expect(q.map((r) => r.reason)).toContain("unknown event type 'ComplaintTeleported'");
    expect((await kpi()).complaints_received[0]).toBe(4);
  });

  it('no owner name, phone or ID number reaches any ClickHouse table', async () => {
    for (const t of PROJECTION_TABLES) {
      const dump = JSON.stringify(await dumpTable(db, t));
      for (const secret of ['张三丰', '13812341234', '李四海', '13900001111', '王小明', '13700002222']) expect(dump).not.toContain(secret);
    }
  });

  it('KPI.md is generated from the definitions and up to date', () => {
    const doc = readFileSync(join(__dirname, '..', 'KPI.md'), 'utf8');
    expect(doc).toBe(kpiDocument());
    for (const k of KPIS) expect(doc).toContain(`\`${k.id}\``);
  });
});
