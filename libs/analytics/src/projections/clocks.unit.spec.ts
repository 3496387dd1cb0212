import { BusinessCalendar } from '@service-ledger/calendar';
import type { EventEnvelope } from '@service-ledger/core';
import { clockTimeline, defaultSlaPolicy, fixedRules, type SlaClock } from '@service-ledger/sla';
import { complaintClocks } from '@service-ledger/complaints';
import { repairClocks } from '@service-ledger/repairs';
import { caseClockChanges, evaluateCaseClocks } from './case-rows';

const calendar = new BusinessCalendar();
const policy = defaultSlaPolicy();
/** Each capability's clock rules (libs/complaints, libs/repairs, libs/help-requests), judged by libs/sla, through the projector's dispatch. */
const clockChanges = (events: EventEnvelope[], p: typeof policy, c: BusinessCalendar) => caseClockChanges(events, fixedRules(p, c));
const T0 = Date.parse('2026-03-10T02:00:00Z'); // Tuesday 10:00 in Shanghai
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const H = 3600;

function stream(streamId: string, ...events: [number, string, Record<string, unknown>?][]): EventEnvelope[] {
  return events.map(([s, type, data = {}], i) => ({
    eventId: `e${i}`, streamId, streamVersion: i + 1, globalPosition: BigInt(i + 1), type, schemaVersion: 1, data,
    occurredAt: at(s), recordedAt: at(s), actor: { staffId: 'x', role: 'receptionist' }, projectId: 'p1', correlationId: 'c', causationId: null,
  }));
}
const clock = (clocks: SlaClock[], kind: string) => clocks.find((c) => c.clock === kind)!;
const evaluate = (events: EventEnvelope[], asOfSeconds = 30 * 24 * H) => evaluateCaseClocks(events, fixedRules(policy, calendar), new Date(T0 + asOfSeconds * 1000));
const urgent = (extra: Record<string, unknown> = {}) => [0, 'RepairReported', { category: 'urgent', nonStandard: false, ...extra }] as [number, string, Record<string, unknown>];

describe('SLA clocks', () => {
  it('urgent repair: on site at exactly 2 h is on time', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [2 * H, 'TechnicianArrived'])), 'repair_arrival');
    expect(c).toMatchObject({ status: 'met', breachSeconds: 0, deadline: at(2 * H) });
  });
  it('urgent repair: on site at 2:00:01 is breached by one second', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [2 * H + 1, 'TechnicianArrived'])), 'repair_arrival');
    expect(c).toMatchObject({ status: 'breached', breachSeconds: 1 });
  });
  it('urgent repair: fixed within 24 h', () => {
    expect(clock(evaluate(stream('repair-1', urgent(), [24 * H, 'RepairCompleted'])), 'repair_fix').status).toBe('met');
    expect(clock(evaluate(stream('repair-1', urgent(), [24 * H + 60, 'RepairCompleted'])), 'repair_fix')).toMatchObject({ status: 'breached', breachSeconds: 60 });
  });
  it('general repair: fixed within 72 h, and has no arrival clock', () => {
    const clocks = evaluate(stream('repair-1', [0, 'RepairReported', { category: 'general', nonStandard: false }], [72 * H, 'RepairCompleted']));
    expect(clock(clocks, 'repair_fix').status).toBe('met');
    expect(clock(clocks, 'repair_arrival')).toBeUndefined();
  });
  it('appointment: the arrival clock starts at the owner’s later appointment', () => {
    const c = clock(evaluate(stream('repair-1', urgent({ appointmentAt: at(5 * H) }), [6 * H + 30 * 60, 'TechnicianArrived'])), 'repair_arrival');
    expect(c).toMatchObject({ startedAt: at(5 * H), deadline: at(7 * H), status: 'met' });
  });
  it('non-standard item: assessed within 15 minutes of the report', () => {
    expect(clock(evaluate(stream('repair-1', urgent({ nonStandard: true }), [15 * 60, 'RepairAssessed'])), 'repair_assessment').status).toBe('met');
    expect(clock(evaluate(stream('repair-1', urgent({ nonStandard: true }), [15 * 60 + 1, 'RepairAssessed'])), 'repair_assessment').status).toBe('breached');
  });
  it('pause: paused time does not count, and the deadline moves by it', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [1 * H, 'RepairPaused', { reason: 'owner_absent' }], [4 * H, 'RepairResumed'], [4 * H + 59 * 60, 'TechnicianArrived'])), 'repair_arrival');
    expect(c).toMatchObject({ status: 'met', pausedSeconds: 3 * H, deadline: at(5 * H) });
  });
  it('pause: a clock paused now is running, not breached', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [1 * H, 'RepairPaused', { reason: 'parts_on_order' }]), 10 * H), 'repair_arrival');
    expect(c).toMatchObject({ status: 'running', paused: true, pausedSeconds: 9 * H });
  });
  it('pause: a clock is paused from the pause itself — the projector judges a case as of its last event, here the pause', () => {
    // Paused at 1 h, judged as of that instant (the projector's view until the next event): paused, its deadline moving.
    const c = clock(evaluate(stream('repair-1', urgent(), [1 * H, 'RepairPaused', { reason: 'parts_on_order' }]), 1 * H), 'repair_arrival');
    expect(c).toMatchObject({ status: 'running', paused: true, pausedSeconds: 0, deadline: at(2 * H) });
  });
  it('reclassify: keeps the start and the paused time, limits follow the new category', () => {
    const events = stream('repair-1', [0, 'RepairReported', { category: 'general', nonStandard: false }], [1 * H, 'RepairPaused', { reason: 'owner_absent' }], [2 * H, 'RepairResumed'], [3 * H, 'RepairReclassified', { from: 'general', to: 'urgent' }], [26 * H, 'RepairCompleted']);
    const fix = clock(evaluate(events), 'repair_fix');
    expect(fix).toMatchObject({ startedAt: at(0), pausedSeconds: H, deadline: at(25 * H), status: 'breached', breachSeconds: H });
  });
  it('reclassified from urgent to general: the arrival clock is cancelled then, not dropped', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [H, 'RepairReclassified', { from: 'urgent', to: 'general' }], [5 * H, 'TechnicianArrived'])), 'repair_arrival');
    expect(c).toMatchObject({ status: 'cancelled', breachSeconds: 0, metAt: null });
  });
  it('reclassified from urgent to general after the 2 h: the arrival breach stays', () => {
    const c = clock(evaluate(stream('repair-1', urgent(), [3 * H, 'RepairReclassified', { from: 'urgent', to: 'general' }])), 'repair_arrival');
    expect(c).toMatchObject({ status: 'breached', breachSeconds: H });
  });
  it('a general repair never urgent has no arrival clock', () => {
    expect(evaluate(stream('repair-1', [0, 'RepairReported', { category: 'general', nonStandard: false }])).map((c) => c.clock)).not.toContain('repair_arrival');
  });
  it('cancel: open clocks are cancelled, but a breach already incurred stays', () => {
    const clocks = evaluate(stream('repair-1', urgent(), [3 * H, 'RepairCancelled', { reason: 'x' }]));
    expect(clock(clocks, 'repair_arrival')).toMatchObject({ status: 'breached', breachSeconds: H });
    expect(clock(clocks, 'repair_fix').status).toBe('cancelled');
  });
  it('a missed clock stays breached after the case closes', () => {
    const clocks = evaluate(stream('repair-1', urgent(), [3 * H, 'TechnicianArrived'], [5 * H, 'RepairCompleted']));
    expect(clock(clocks, 'repair_arrival')).toMatchObject({ status: 'breached', breachSeconds: H });
  });
  it('running vs breached as of an instant', () => {
    const events = stream('repair-1', urgent());
    expect(clock(evaluateCaseClocks(events, fixedRules(policy, calendar), new Date(T0 + 2 * H * 1000)), 'repair_arrival').status).toBe('running');
    expect(clock(evaluateCaseClocks(events, fixedRules(policy, calendar), new Date(T0 + (2 * H + 1) * 1000)), 'repair_arrival')).toMatchObject({ status: 'breached', breachSeconds: 1 });
  });
  it('warning at 75 % of the allowed time', () => {
    expect(clock(evaluate(stream('repair-1', urgent())), 'repair_arrival').warningAt).toBe(at(1.5 * H));
  });
  it('help request: answered within 5 minutes', () => {
    expect(clock(evaluate(stream('help-1', [0, 'HelpRequestReceived'], [300, 'HelpRequestAnswered'])), 'help_answer').status).toBe('met');
    expect(clock(evaluate(stream('help-1', [0, 'HelpRequestReceived'], [301, 'HelpRequestAnswered'])), 'help_answer').breachSeconds).toBe(1);
  });
  it('complaint: first reply within half a working day, across the lunch break', () => {
    // Received Tue 10:00; half of the default 7.5 h day = 3 h 45 min of working time → 15:15 (12:00–13:30 does not count).
    const ok = clock(evaluate(stream('complaint-1', [0, 'ComplaintReceived'], [5.25 * H, 'ComplaintRepliedToOwner'])), 'complaint_first_reply');
    expect(ok).toMatchObject({ deadline: at(5.25 * H), status: 'met' });
    expect(clock(evaluate(stream('complaint-1', [0, 'ComplaintReceived'], [5.25 * H + 1, 'ComplaintRepliedToOwner'])), 'complaint_first_reply').status).toBe('breached');
  });
  it('complaint: the owner hears back by the promised time', () => {
    const promise = [H, 'ComplaintResponsibilityAssigned', { promisedReplyBy: at(48 * H) }] as [number, string, Record<string, unknown>];
    expect(clock(evaluate(stream('complaint-1', [0, 'ComplaintReceived'], promise, [48 * H, 'ComplaintRepliedToOwner'])), 'complaint_promised_reply').status).toBe('met');
    expect(clock(evaluate(stream('complaint-1', [0, 'ComplaintReceived'], promise, [49 * H, 'ComplaintRepliedToOwner'])), 'complaint_promised_reply')).toMatchObject({ status: 'breached', breachSeconds: H });
  });
  it('follow-up visit: due within the configured time after completion', () => {
    const events = stream('repair-1', urgent(), [H, 'TechnicianArrived'], [3 * H, 'RepairCompleted'], [3 * H + 73 * H, 'RepairFollowUpVisited']);
    expect(clock(evaluate(events), 'follow_up_visit')).toMatchObject({ status: 'breached', breachSeconds: H });
  });
  it('clock history: the breach is recorded when it happens and stays on record once the clock is met', () => {
    const events = stream('repair-1', urgent(), [1 * H, 'RepairDispatched'], [3 * H, 'TechnicianArrived'], [5 * H, 'RepairCompleted']);
    const arrival = clockChanges(events, policy, calendar).filter((c) => c.clock === 'repair_arrival');
    expect(arrival.map((c) => [c.index, c.status, c.breachSeconds])).toEqual([
      [0, 'running', 0],
      [2, 'breached', H],
    ]);
  });
  it('clock history: one change per clock whose status, deadline or met time differs from the last one recorded', () => {
    // Urgent, paused, reclassified to general and back, resumed, completed late: every kind of change, evaluated as of each event.
    const events = stream('repair-1', urgent({ nonStandard: true }), [H, 'RepairPaused', { reason: 'owner_absent' }], [2 * H, 'RepairReclassified', { from: 'urgent', to: 'general' }],
      [3 * H, 'RepairReclassified', { from: 'general', to: 'urgent' }], [4 * H, 'RepairResumed'], [30 * H, 'RepairCompleted'], [100 * H, 'RepairFollowUpVisited']);
    const expected: [number, string, string, string, string | null, number][] = [];
    const last = new Map<string, string>();
    events.forEach((e, i) => {
      for (const c of evaluateCaseClocks(events.slice(0, i + 1), fixedRules(policy, calendar), new Date(e.occurredAt))) {
        const key = `${c.status}|${c.deadline}|${c.metAt}`;
        if (last.get(c.clock) === key) continue;
        last.set(c.clock, key);
        expected.push([i, c.clock, c.status, c.deadline, c.metAt, c.breachSeconds]);
      }
    });
    const changes = clockChanges(events, policy, calendar);
    expect(changes.map((c) => [c.index, c.clock, c.status, c.deadline, c.metAt, c.breachSeconds])).toEqual(expected);
    expect(changes.some((c) => c.clock === 'repair_fix' && c.status === 'breached')).toBe(true);
  });
  it('the projector\'s one pass over the prefixes gives the clocks as of the last event and the same history', () => {
    const repair = stream('repair-1', urgent({ nonStandard: true }), [H, 'RepairPaused', { reason: 'owner_absent' }], [2 * H, 'RepairReclassified', { from: 'urgent', to: 'general' }],
      [4 * H, 'RepairResumed'], [30 * H, 'RepairCompleted']);
    const complaint = stream('complaint-1', [0, 'ComplaintReceived', { complaintId: '1', firstResponderId: 'desk' }], [5 * H, 'ComplaintResponsibilityAssigned', { promisedReplyBy: at(8 * H) }], [9 * H, 'ComplaintHandled']);
    for (const events of [repair, complaint, repair.slice(0, 3)]) {
      const rules = fixedRules(policy, calendar);
      const isRepair = events[0].streamId.startsWith('repair');
      const { clocks, changes } = isRepair ? clockTimeline(repairClocks, 'repair', events as never, rules) : clockTimeline(complaintClocks, 'complaint', events as never, rules);
      expect(clocks).toEqual(evaluateCaseClocks(events, rules, new Date(events.at(-1)!.occurredAt)));
      expect(clocks.length).toBeGreaterThan(0);
      expect(changes).toEqual(clockChanges(events, policy, calendar));
    }
  });
});
