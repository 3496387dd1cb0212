import { BusinessCalendar } from '@service-ledger/calendar';
import type { EventEnvelope } from '@service-ledger/core';
import { defaultSlaPolicy, fixedRules } from '@service-ledger/sla';
import { projectCase } from './case-rows';

const policy = { rules: fixedRules(defaultSlaPolicy(), new BusinessCalendar()), positionAt: () => 0 };
let position = 0n;
/** Events of one case at Shanghai local times. */
function caseOf(streamId: string, ...steps: [string, string, Record<string, unknown>, string][]): EventEnvelope[] {
  return steps.map(([local, type, data, staffId], i) => ({
    type, schemaVersion: 1, data, eventId: `e${++position}`, streamId, streamVersion: i + 1, globalPosition: position, occurredAt: new Date(`${local}+08:00`).toISOString(),
    recordedAt: new Date(`${local}+08:00`).toISOString(), actor: { staffId, role: 'receptionist' }, projectId: 'p1', correlationId: 'c', causationId: null,
  }));
}
const credits = (rows: ReturnType<typeof projectCase>) => rows.staff.filter((c) => c.closed_at !== null || c.credit === 'first_responder').map((c) => [c.staff_id, c.credit, c.on_time]);
const owners = (rows: ReturnType<typeof projectCase>) => Object.fromEntries(rows.clocks.map((c) => [c.clock, c.responsible_id]));

describe('who answers for which clock (首问负责)', () => {
  it('a late first reply is charged to the first responder, not to the handler who kept the promise', () => {
    // Received Tue 10:00 by desk-A; first reply Wed 10:00 (late: due 15:15 the same day); 定责 to sup-B, who replies by the promise.
    const rows = projectCase(caseOf('complaint-c1',
      ['2026-03-10T10:00:00', 'ComplaintReceived', { firstResponderId: 'desk-A', location: { building: '1' } }, 'desk-A'],
      ['2026-03-10T11:00:00', 'ComplaintResponsibilityAssigned', { department: 'cs', responsibleStaffId: 'sup-B', promisedReplyBy: '2026-03-12T02:00:00.000Z' }, 'sup-B'],
      ['2026-03-11T10:00:00', 'ComplaintRepliedToOwner', { message: 'x', final: false }, 'desk-A'],
      ['2026-03-11T16:00:00', 'ComplaintHandled', { solution: 'x', handledById: 'sup-B', complainantSignedOff: true }, 'sup-B'],
      ['2026-03-12T10:00:00', 'ComplaintFollowUpVisited', { visitId: 'v1', method: 'phone', satisfied: true, visitorStaffId: 'desk-C' }, 'desk-C'],
    ), policy);
    expect(owners(rows)).toEqual({ complaint_first_reply: 'desk-A', complaint_promised_reply: 'sup-B', follow_up_visit: 'desk-C' });
    expect(credits(rows)).toEqual([['desk-A', 'first_responder', 0], ['sup-B', 'handler', 1], ['desk-C', 'visitor', 1]]);
  });
  it('repair: arrival and fix → technician; non-standard assessment → the engineering supervisor who assessed', () => {
    const rows = projectCase(caseOf('repair-r1',
      ['2026-03-10T10:00:00', 'RepairReported', { category: 'urgent', nonStandard: true, firstResponderId: 'desk-A', location: { building: '1' } }, 'desk-A'],
      ['2026-03-10T10:20:00', 'RepairAssessed', { assessorId: 'eng-S', feasible: true, estimatedCost: 100 }, 'eng-S'],
      ['2026-03-10T10:25:00', 'RepairDispatched', { technicianId: 'tech-T', dispatchNo: 'D1' }, 'eng-S'],
      ['2026-03-10T11:00:00', 'TechnicianArrived', { technicianId: 'tech-T' }, 'tech-T'],
      ['2026-03-10T15:00:00', 'RepairCompleted', { materialCost: 0, labourCost: 0, total: 0 }, 'tech-T'],
    ), policy);
    expect(owners(rows)).toEqual({ repair_arrival: 'tech-T', repair_fix: 'tech-T', repair_assessment: 'eng-S', follow_up_visit: 'desk-A' });
    // The assessment took 20 min (limit 15): the supervisor's credit is late; the technician's clocks were met.
    expect(credits(rows)).toEqual([['desk-A', 'first_responder', null], ['tech-T', 'handler', 1], ['eng-S', 'assessor', 0]]);
  });
  it('a stream whose category has no read side is refused by name (so the projector quarantines it), even `constructor-…`', () => {
    for (const streamId of ['constructor-x1', 'parcel-x1']) {
      expect(() => projectCase(caseOf(streamId, ['2026-03-10T10:00:00', 'ComplaintReceived', { firstResponderId: 'desk-A' }, 'desk-A']), policy)).toThrow(/no read side for stream category/);
    }
  });
});
