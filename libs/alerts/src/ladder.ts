import type { Role } from '@service-ledger/core';
import type { AlertThreshold } from './events';

/**
 * The escalation ladder (domain rules): a major complaint goes to the general manager's office at once; a warning
 * to the supervisor of the department answering for the clock (engineering for repair clocks, customer service
 * otherwise); a breach to the project manager.
 */
export function ladderRole(threshold: AlertThreshold, clock: string): Role {
  if (threshold === 'major') return 'gm_office';
  if (threshold === 'breach') return 'project_manager';
  return clock.startsWith('repair_') ? 'engineering_supervisor' : 'supervisor';
}

export interface WatchedClock {
  warningAt: Date;
  deadline: Date;
}

/**
 * Which thresholds of an open, unpaused clock are due at `now`. A warning is only worth sending before the deadline;
 * a threshold crossed longer than `lookbackMs` ago is history (an import of old records must not page anyone).
 */
export function dueThresholds(c: WatchedClock, now: Date, lookbackMs: number): AlertThreshold[] {
  const t = now.getTime();
  const recent = (at: Date) => at.getTime() <= t && t - at.getTime() <= lookbackMs;
  const due: AlertThreshold[] = [];
  if (recent(c.warningAt) && t < c.deadline.getTime()) due.push('warning');
  if (recent(c.deadline)) due.push('breach');
  return due;
}

export const THRESHOLD_LABEL: Record<AlertThreshold, string> = { warning: '预警 warning', breach: '超时 breach', major: '重大投诉 major complaint' };
