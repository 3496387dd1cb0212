import { complaintClocks, type ComplaintEnvelope } from '@service-ledger/complaints';
import type { EventEnvelope } from '@service-ledger/core';
import { evaluateClocks } from '@service-ledger/sla';
import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';
import { changePolicySchema, PolicyHistory, policyCommands, type PolicySectionsInput } from './index';

const H = 3600_000;
/** Local time in Asia/Shanghai (UTC+8). */
const local = (s: string) => new Date(`${s}+08:00`);
const iso = (s: string) => local(s).toISOString();

const day: [string, string][] = [['09:00', '17:00']];
const nineToFive = { mon: day, tue: day, wed: day, thu: day, fri: day };
const saturdayMorning = { ...nineToFive, sat: [['09:00', '12:00']] as [string, string][] };

let position = 0n;
/** A PolicyChanged event as ChangePolicy decides it, in an envelope. */
function change(projectId: string | undefined, effectiveFrom: string, sections: PolicySectionsInput, changeNo = 1): EventEnvelope {
  const payload = changePolicySchema.parse({ projectId, effectiveFrom, reason: 'service centre hours', sections });
  const [e] = policyCommands[0].decide(payload, { changes: changeNo - 1 }, { occurredAt: new Date(effectiveFrom), actor: { staffId: 'gm', role: 'gm_office' }, projectId: projectId ?? '*', related: {} });
  position += 1n;
  return {
    ...e, eventId: `e${position}`, streamId: `policy-${projectId ?? 'company'}`, streamVersion: changeNo, globalPosition: position, occurredAt: effectiveFrom, recordedAt: effectiveFrom,
    actor: { staffId: 'gm', role: 'gm_office' }, projectId: projectId ?? '*', correlationId: 'c', causationId: null,
  };
}

function complaint(projectId: string, receivedAt: string): ComplaintEnvelope[] {
  return [{ type: 'ComplaintReceived', schemaVersion: 1, data: { complaintId: 'c1', firstResponderId: 'desk' } as Extract<ComplaintEnvelope, { type: 'ComplaintReceived' }>['data'], eventId: 'x', streamId: 'complaint-c1', streamVersion: 1, globalPosition: 100n, occurredAt: receivedAt, recordedAt: receivedAt, actor: { staffId: 'desk', role: 'receptionist' }, projectId, correlationId: 'c', causationId: null }];
}

const history = PolicyHistory.of([change('NINE', '2025-01-01T00:00:00+08:00', { calendar: { week: nineToFive } }), change('SAT', '2025-01-01T00:00:00+08:00', { calendar: { week: saturdayMorning } })]);
const firstReplyDeadline = (projectId: string, received: string) => {
  const clocks = evaluateClocks(complaintClocks, 'complaint', complaint(projectId, iso(received)), (start) => {
    const p = history.inForce(projectId, start);
    return { policy: p.sla, calendar: p.calendar, version: p.version };
  }, local('2025-12-31T00:00:00'));
  return clocks.find((c) => c.clock === 'complaint_first_reply')!;
};

describe('policy in force: half a working day on the project’s own calendar', () => {
  it('half a working day is half the standard day: 4 h for 09:00–17:00, 3 h 45 min for the default 08:30–12:00 + 13:30–17:30', () => {
    expect(history.inForce('NINE', local('2025-03-03T00:00:00')).sla.complaintFirstReplyWorkingMs).toBe(4 * H);
    expect(history.inForce('DEFAULT', local('2025-03-03T00:00:00')).sla.complaintFirstReplyWorkingMs).toBe(3.75 * H);
    // Monday–Friday 8 h and a Saturday-morning 3 h: the standard day is the 8 h most weekdays have.
    expect(history.inForce('SAT', local('2025-03-03T00:00:00')).sla.complaintFirstReplyWorkingMs).toBe(4 * H);
  });
  it('09:00–17:00 without lunch: received Tue 30 Sep 2025 15:00, deadline Thu 9 Oct 11:00 (National Day 1–8 Oct off)', () => {
    const c = firstReplyDeadline('NINE', '2025-09-30T15:00:00');
    expect(c.deadline).toBe(iso('2025-10-09T11:00:00'));
    expect(c.policyVersion).toBe('NINE#1');
  });
  it('the same complaint on a project with default hours: 2 h 30 min on 30 Sep, then 1 h 15 min from 08:30 on 9 Oct → 09:45', () => {
    const c = firstReplyDeadline('DEFAULT', '2025-09-30T15:00:00');
    expect(c.deadline).toBe(iso('2025-10-09T09:45:00'));
    expect(c.policyVersion).toBe('default');
  });
  it('a 调休 working Saturday (11 Oct 2025) counts: received Fri 10 Oct 16:00 → Sat 11 Oct 12:00 (09:00–17:00) / 10:45 (default)', () => {
    expect(firstReplyDeadline('NINE', '2025-10-10T16:00:00').deadline).toBe(iso('2025-10-11T12:00:00'));
    expect(firstReplyDeadline('DEFAULT', '2025-10-10T16:00:00').deadline).toBe(iso('2025-10-11T10:45:00'));
  });
  it('the 调休 Sunday before National Day (28 Sep 2025) counts: received Sat 27 Sep 10:00 → Sun 28 Sep 13:00', () => {
    expect(firstReplyDeadline('NINE', '2025-09-27T10:00:00').deadline).toBe(iso('2025-09-28T13:00:00'));
  });
  it('a Saturday-morning slot counts on an ordinary Saturday: received Fri 17 Oct 2025 15:00 → Sat 18 Oct 11:00', () => {
    expect(firstReplyDeadline('SAT', '2025-10-17T15:00:00').deadline).toBe(iso('2025-10-18T11:00:00'));
    expect(firstReplyDeadline('NINE', '2025-10-17T15:00:00').deadline).toBe(iso('2025-10-20T11:00:00'));
  });
  it('extra days off and extra working days sit on top of the national data', () => {
    const h = PolicyHistory.of([change('X', '2025-01-01T00:00:00+08:00', { calendar: { week: nineToFive, extraDaysOff: ['2025-10-09'], extraWorkingDays: ['2025-10-04'] } })]);
    const cal = h.inForce('X', local('2025-10-01T00:00:00')).calendar;
    expect(cal.isWorkingDay('2025-10-09')).toBe(false);
    expect(cal.isWorkingDay('2025-10-04')).toBe(true);
    expect(cal.addWorkingTime(local('2025-09-30T15:00:00'), 4 * H)).toEqual(local('2025-10-04T11:00:00'));
  });
});

describe('policy in force: versions and sections', () => {
  const h = PolicyHistory.of([
    change(undefined, '2026-01-01T00:00:00+08:00', { sla: { urgentArrival: 'PT90M', warningFraction: 0.8 }, scoreWeights: { onTime: 50, satisfaction: 30, volume: 20, reworkPenalty: 10 } }),
    change('P1', '2026-03-16T00:00:00+08:00', { sla: { urgentArrival: 'PT3H' } }),
    change(undefined, '2026-04-01T00:00:00+08:00', { calendar: { week: nineToFive } }, 2),
  ]);
  it('before any change the built-in defaults apply', () => {
    const p = h.inForce('P1', local('2025-12-31T23:59:59'));
    expect(p).toMatchObject({ version: 'default', sla: { urgentArrivalMs: 2 * H, warningFraction: 0.75 }, scoreWeights: { onTime: 40 } });
  });
  it('a change applies from its effective instant; a project’s own limit overrides the company’s field by field', () => {
    expect(h.inForce('P1', local('2026-03-15T23:59:59'))).toMatchObject({ version: 'company#1', sla: { urgentArrivalMs: 1.5 * H, warningFraction: 0.8 } });
    expect(h.inForce('P1', local('2026-03-16T00:00:00'))).toMatchObject({ version: 'company#1 P1#1', sla: { urgentArrivalMs: 3 * H, warningFraction: 0.8 }, scoreWeights: { onTime: 50 } });
    expect(h.inForce('P2', local('2026-03-16T00:00:00')).sla.urgentArrivalMs).toBe(1.5 * H);
  });
  it('a later company change of one section keeps the other sections', () => {
    const p = h.inForce('P2', local('2026-04-02T00:00:00'));
    expect(p).toMatchObject({ version: 'company#1 company#2', sla: { urgentArrivalMs: 1.5 * H, complaintFirstReplyWorkingMs: 4 * H }, scoreWeights: { onTime: 50 } });
  });
  it('rulesAt and positionAt agree with inForce at every instant, before and after a change is added', () => {
    const history = new PolicyHistory();
    for (const c of h.all()) history.add(c);
    const instants = ['2025-12-31T23:59:59', '2026-01-01T00:00:00', '2026-03-15T23:59:59', '2026-03-16T00:00:00', '2026-04-01T00:00:00', '2026-06-01T00:00:00'].map((s) => local(s).getTime());
    const agree = () => {
      for (const project of ['P1', 'P2']) for (const t of instants) for (const department of [undefined, 'customer_service']) {
        const p = history.inForce(project, t, department);
        expect(history.rulesAt(project, t, department)).toEqual({ policy: p.sla, calendar: p.calendar, version: p.version });
        expect(history.positionAt(project, t)).toBe(p.changes.reduce((m, c) => (c.position > m ? c.position : m), 0n));
      }
    };
    agree();
    expect(history.rulesAt('P1', instants[3]).version).toBe('company#1 P1#1');
    // A change added later (another partition's copy arrives) is seen by the next question.
    history.add({ ...h.all()[0], id: 'P1#2', scope: 'P1', change: 2, effectiveFrom: local('2026-03-20T00:00:00').toISOString(), position: 99n, sections: { sla: { urgentArrivalMs: 4 * H } } as never });
    expect(history.rulesAt('P1', local('2026-03-21T00:00:00').getTime())).toMatchObject({ version: 'company#1 P1#2', policy: { urgentArrivalMs: 4 * H } });
    expect(history.positionAt('P1', local('2026-03-21T00:00:00').getTime())).toBe(99n);
    agree();
  });
  it('the same changes in another order give the same answer (Kafka partitions deliver scopes out of order)', () => {
    const reversed = new PolicyHistory();
    for (const c of [...h.all()].reverse()) reversed.add(c);
    expect(reversed.inForce('P1', local('2026-04-02T00:00:00')).version).toBe(h.inForce('P1', local('2026-04-02T00:00:00')).version);
    expect(reversed.inForce('P1', local('2026-04-02T00:00:00')).sla).toEqual(h.inForce('P1', local('2026-04-02T00:00:00')).sla);
  });
});

describe('ChangePolicy command', () => {
  it('numbers the changes of a scope and stores limits in libs/sla’s milliseconds', () => {
    const [e] = given(event('PolicyChanged', { scope: 'P1', change: 1 })).when('ChangePolicy', { projectId: 'P1', effectiveFrom: '2026-03-01T00:00:00+08:00', reason: 'new contract', sections: { sla: { urgentFix: 'PT12H' } } }).thenEvents();
    expect(e.data).toEqual({ scope: 'P1', change: 2, effectiveFrom: '2026-02-28T16:00:00.000Z', reason: 'new contract', sections: { sla: { urgentFixMs: 12 * H } } });
  });
  it.each([
    [{ calendar: { week: { mon: [['17:00', '09:00']] } } }, /sections\.calendar\.week\.mon\.0/],
    [{ calendar: { week: { mon: [['09:00', '12:00'], ['11:00', '17:00']] } } }, /overlap/],
    [{ calendar: { timeZone: 'Mars/Base', week: nineToFive } }, /timeZone.*IANA/],
    [{ sla: { urgentArrival: '2 hours' } }, /sla\.urgentArrival.*ISO-8601 duration/],
    [{ sla: { warningFraction: 1.5 } }, /warningFraction/],
    [{ scoreWeights: { onTime: 50, satisfaction: 40, volume: 20, reworkPenalty: 5 } }, /add up to 100/],
    [{ complaintTopics: [{ code: 'Lifts!', zh: '电梯', en: 'Lifts' }] }, /complaintTopics\.0\.code/],
    [{}, /at least one/],
  ])('rejects %j naming the field', (sections, message) => {
    const r = changePolicySchema.safeParse({ effectiveFrom: '2026-03-01T00:00:00Z', reason: 'x', sections });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toMatch(message);
  });
});

describe('complaint topics follow the list in force', () => {
  const id = '0190f5c2-0000-7000-8000-000000000001';
  const classify = (topic: string) => ({ complaintId: id, nature: 'valid', content: 'facilities', topic, reasonable: true, major: false });
  const topics = PolicyHistory.of([change(undefined, '2026-01-01T00:00:00Z', { complaintTopics: [{ code: 'lifts', zh: '电梯', en: 'Lifts' }, { code: 'parking', zh: '停车', en: 'Parking', retired: true }] })]).inForce('p1', new Date('2026-03-01T00:00:00Z'));
  it('a topic of the list is accepted; a retired or unknown one is refused naming payload.topic', () => {
    given(event('ComplaintReceived', { complaintId: id, firstResponderId: 'r1' })).when('ClassifyComplaint', classify('lifts'), { policy: topics }).then('ComplaintClassified');
    for (const t of ['parking', 'cleaning']) {
      expect(() => given(event('ComplaintReceived', { complaintId: id, firstResponderId: 'r1' })).when('ClassifyComplaint', classify(t), { policy: topics }).thenEvents()).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ field: 'payload.topic', rule: 'topic_not_in_list' })] }),
      );
    }
  });
});
