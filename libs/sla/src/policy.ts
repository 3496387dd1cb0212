const HOUR = 3600_000;
const MINUTE = 60_000;

/** SLA limits; defaults are those of docs/domain.md until a policy change sets others (libs/policies). Durations in milliseconds. */
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
  /**
   * Complaint first reply within half a working day (business calendar). The policy in force (libs/policies) sets it
   * to half the project's standard working day unless the project gives its own figure.
   */
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
    // Half of the default working day 08:30–12:00 + 13:30–17:30 (7.5 h).
    complaintFirstReplyWorkingMs: 3.75 * HOUR,
    followUpVisitMs: 72 * HOUR,
    warningFraction: 0.75,
  };
}
