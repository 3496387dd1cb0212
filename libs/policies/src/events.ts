import type { DomainEvent } from '@service-ledger/core';
import type { SlaPolicy } from '@service-ledger/sla';
import type { CalendarSection, ComplaintTopic, ScoreWeights } from './document';

/** Stream category: `policy-company` holds the company's changes, `policy-<projectId>` a project's. */
export const POLICY_STREAM = 'policy';
export const COMPANY_SCOPE = 'company';
/** The envelope's project id of company-wide changes: no project id can take this value. */
export const COMPANY_PROJECT = '*';

/** The sections as stored: SLA limits under libs/sla's own names, in milliseconds. */
export interface StoredSections {
  calendar?: CalendarSection;
  departmentCalendars?: Record<string, CalendarSection>;
  sla?: Partial<SlaPolicy>;
  scoreWeights?: ScoreWeights;
  complaintTopics?: ComplaintTopic[];
}

/**
 * A policy change: from `effectiveFrom` (business time) the sections it sets replace those in force in its scope.
 * `change` numbers the changes of one scope (1, 2, …); the version id is `<scope>#<change>`. Who set it and when it
 * was recorded are the envelope's actor and occurredAt.
 */
export type PolicyChanged = DomainEvent<
  'PolicyChanged',
  { scope: string; change: number; effectiveFrom: string; reason: string; sections: StoredSections }
>;

export type PolicyEvent = PolicyChanged;
export const POLICY_EVENT_TYPES: readonly PolicyEvent['type'][] = ['PolicyChanged'];

export const policyStream = (scope: string) => `${POLICY_STREAM}-${scope}`;
export const versionId = (scope: string, change: number) => `${scope}#${change}`;
