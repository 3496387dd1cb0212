import { z } from 'zod';

const HOUR = 3600_000;
const MINUTE = 60_000;

/** Per-project SLA limits; defaults are those of docs/domain.md (repairs, help requests, SLA clocks). Durations in milliseconds. */
export interface SlaPolicy {
  /** Urgent repair: technician on site within 2 h (wall clock). */
  urgentArrivalMs: number;
  /** Urgent repair fixed within 24 h. */
  urgentFixMs: number;
  /** General repair fixed within 72 h. */
  generalFixMs: number;
  /** Non-standard item assessed within 15 min of the report. */
  assessmentMs: number;
  /** Help request / reception visit answered within 5 min. */
  helpAnswerMs: number;
  /** Complaint first reply within half a working day (business calendar). */
  complaintFirstReplyWorkingMs: number;
  /** Follow-up visit within this time after a repair is completed or a complaint handled. */
  followUpVisitMs: number;
  /** Warn a supervisor at this fraction of the allowed time. */
  warningFraction: number;
}

export function defaultSlaPolicy(): SlaPolicy {
  return {
    urgentArrivalMs: 2 * HOUR,
    urgentFixMs: 24 * HOUR,
    generalFixMs: 72 * HOUR,
    assessmentMs: 15 * MINUTE,
    helpAnswerMs: 5 * MINUTE,
    complaintFirstReplyWorkingMs: 4 * HOUR,
    followUpVisitMs: 72 * HOUR,
    warningFraction: 0.75,
  };
}

const positive = z.number().int().positive().max(366 * 24 * HOUR);
const overrides = z.strictObject({
  urgentArrivalMs: positive,
  urgentFixMs: positive,
  generalFixMs: positive,
  assessmentMs: positive,
  helpAnswerMs: positive,
  complaintFirstReplyWorkingMs: positive,
  followUpVisitMs: positive,
  warningFraction: z.number().gt(0).lt(1),
}).partial();

/** A project's policy: defaults with validated overrides (errors name the field). */
export function mergePolicy(defaults: SlaPolicy, projectOverrides: unknown): SlaPolicy {
  const parsed = overrides.safeParse(projectOverrides ?? {});
  if (!parsed.success) {
    throw new Error(`invalid SLA policy: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { ...defaults, ...parsed.data };
}

/**
 * The policy in force for a project at an instant. One seam for the per-project policy history (issue 13): until it
 * lands, every project uses the defaults. The timeline and the notifier's docs read the warning point through this.
 */
export function policyInForce(_projectId: string, _at: Date): SlaPolicy {
  return defaultSlaPolicy();
}
