import type { DomainEvent } from '@service-ledger/core';

/** Stream category of the access log: one stream per day, `access-YYYY-MM-DD`. */
export const ACCESS_STREAM = 'access';

/** Who read or exported what, when: every audit read and every export (issue: access log). */
export type AuditAccessRecorded = DomainEvent<
  'AuditAccessRecorded',
  { what: 'case_history' | 'case_state' | 'case_read' | 'kpi_export' | 'kpi_drilldown' | 'kpi_whatif' | 'audit_verify' | 'audit_replay'; target: string; unmasked: boolean; details: Record<string, unknown> }
>;

export const AUDIT_EVENT_TYPES = ['AuditAccessRecorded'] as const;
