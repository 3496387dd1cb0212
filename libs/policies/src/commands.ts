import { z } from 'zod';
import { type Aggregate, type DomainCommand, ensure, event, schemas as field, typedAggregate } from '@service-ledger/core';
import type { SlaPolicy } from '@service-ledger/sla';
import { policySections, type SlaSection } from './document';
import { COMPANY_PROJECT, COMPANY_SCOPE, type PolicyChanged, policyStream, type StoredSections } from './events';

export interface PolicyScopeState {
  changes: number;
}

const policyAggregate: Aggregate<PolicyScopeState> = typedAggregate<PolicyScopeState, PolicyChanged>({
  initialState: () => ({ changes: 0 }),
  evolve: (state, e) => (e.type === 'PolicyChanged' ? { changes: e.data.change } : state),
});

const SLA_NAMES: Record<keyof SlaSection, keyof SlaPolicy> = {
  urgentArrival: 'urgentArrivalMs', urgentFix: 'urgentFixMs', generalFix: 'generalFixMs', assessment: 'assessmentMs', helpAnswer: 'helpAnswerMs',
  followUpVisit: 'followUpVisitMs', halfWorkingDay: 'complaintFirstReplyWorkingMs', warningFraction: 'warningFraction',
};

/** The SLA section under libs/sla's field names (milliseconds), as stored in the event. */
export function slaLimits(section: SlaSection): Partial<SlaPolicy> {
  return Object.fromEntries(Object.entries(section).map(([k, v]) => [SLA_NAMES[k as keyof SlaSection], v]));
}

export const changePolicySchema = z.strictObject({
  /** Absent: the company-wide policy (every project inherits it); else the project's own. */
  projectId: field.projectId.optional(),
  effectiveFrom: field.instant,
  reason: field.longText,
  sections: policySections,
});

/**
 * One command for every kind of policy: the GM office (or an admin) sets sections for the company or a project,
 * from an effective instant. Earlier instants are allowed (a correction): the projector re-evaluates the clocks that
 * started since, so live tables still equal a replay.
 */
export const policyCommands: DomainCommand[] = [
  {
    name: 'ChangePolicy',
    summary: 'Set policy sections (calendar, SLA limits, score weights, complaint topics) for the company or a project, from an effective instant, with a reason.',
    capability: 'policies',
    schema: changePolicySchema,
    streamId: (p: { projectId?: string }) => policyStream(p.projectId ?? COMPANY_SCOPE),
    projectId: (p: { projectId?: string }) => p.projectId ?? COMPANY_PROJECT,
    creates: false,
    opens: true,
    roles: ['gm_office', 'admin', 'system'],
    aggregate: policyAggregate,
    decide: (p: z.output<typeof changePolicySchema>, state: PolicyScopeState) => {
      ensure(Date.parse(p.effectiveFrom) >= Date.parse('2000-01-01T00:00:00Z'), 'policy.effective_from_plausible', 'effectiveFrom must be after 2000');
      const sections: StoredSections = { ...p.sections, sla: p.sections.sla ? slaLimits(p.sections.sla) : undefined };
      return [
        event('PolicyChanged', {
          scope: p.projectId ?? COMPANY_SCOPE,
          change: state.changes + 1,
          effectiveFrom: new Date(p.effectiveFrom).toISOString(),
          reason: p.reason,
          sections: JSON.parse(JSON.stringify(sections)) as StoredSections,
        }),
      ];
    },
  },
];
