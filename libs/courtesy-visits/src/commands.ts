import { z } from 'zod';
import { type Aggregate, defineCommand, type DomainCommand, event, FRONT_DESK, schemas as field, typedAggregate } from '@service-ledger/core';
import { COURTESY_VISIT_STREAM, type CourtesyVisitEvent } from './events';

export interface CourtesyVisitState {
  exists: boolean;
}
export const courtesyVisitAggregate: Aggregate<CourtesyVisitState> = typedAggregate<CourtesyVisitState, CourtesyVisitEvent>({
  initialState: () => ({ exists: false }),
  evolve: (state, e) => (e.type === 'CourtesyVisitRecorded' ? { exists: true } : state),
});

export const courtesyVisitCommands: DomainCommand[] = [
  defineCommand({
    name: 'RecordCourtesyVisit',
    summary: 'A regular or ad-hoc courtesy visit to an owner.',
    capability: 'courtesy-visits',
    aggregate: courtesyVisitAggregate,
    streamId: (p) => `${COURTESY_VISIT_STREAM}-${p.visitId}`,
    roles: FRONT_DESK,
    creates: true,
    schema: z.strictObject({
      visitId: field.caseId,
      projectId: field.projectId,
      kind: field.oneOf(['regular', 'ad_hoc'] as const),
      method: field.visitMethod,
      location: field.location,
      ownerRef: field.ownerRef,
      satisfied: z.boolean(),
      remarks: field.optionalText,
    }),
    decide: (p, _state, ctx) => [
      event('CourtesyVisitRecorded', { visitId: p.visitId, kind: p.kind, method: p.method, location: p.location, ownerRef: p.ownerRef, satisfied: p.satisfied, remarks: p.remarks, visitorStaffId: ctx.actor.staffId }),
    ],
  }),
];
