import { BusinessCalendar } from '@service-ledger/calendar';
import type { EventEnvelope } from '@service-ledger/core';
import { defaultSlaPolicy, fixedRules } from '@service-ledger/sla';
import { CASE_CATEGORIES, caseStreamId, projectCase } from './case-rows';

/** One first event per case stream category, enough for its read side to make a row. */
const FIRST_EVENT: Record<string, [string, Record<string, unknown>]> = {
  complaint: ['ComplaintReceived', { location: { building: '1' } }],
  repair: ['RepairReported', { category: 'general', nonStandard: false, location: { building: '1' } }],
  help: ['HelpRequestReceived', { kind: 'help_request', category: 'G' }],
  visit: ['CourtesyVisitRecorded', { kind: 'regular', method: 'phone', location: { building: '1' }, satisfied: true }],
};

const rules = fixedRules(defaultSlaPolicy(), new BusinessCalendar());
const policy = { rules, positionAt: () => 0 };
const first = (streamId: string, [type, data]: [string, Record<string, unknown>]): EventEnvelope => ({
  eventId: 'e1', streamId, streamVersion: 1, globalPosition: 1n, type, schemaVersion: 1, data, occurredAt: '2026-03-10T02:00:00.000Z',
  recordedAt: '2026-03-10T02:00:00.000Z', actor: { staffId: 'x', role: 'receptionist' }, projectId: 'p1', correlationId: 'c', causationId: null,
});

describe('case type and stream category', () => {
  it('a help request is case type help_request in the tables and stream help-… in the store; a courtesy visit courtesy_visit and visit-…', () => {
    expect(caseStreamId('help_request', 'r1')).toBe('help-r1');
    expect(caseStreamId('courtesy_visit', 'v1')).toBe('visit-v1');
    expect(caseStreamId('complaint', 'c1')).toBe('complaint-c1');
  });

  it.each(CASE_CATEGORIES)('a %s case row leads back to its stream', (category) => {
    const streamId = `${category}-0190f5c2-0000-7000-8000-0000000000c1`;
    const row = projectCase([first(streamId, FIRST_EVENT[category])], policy).case;
    expect(caseStreamId(row.case_type, row.case_id)).toBe(streamId);
  });
});
