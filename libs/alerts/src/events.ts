import type { DomainEvent, Role } from '@service-ledger/core';

/**
 * Stream category of alerts: one stream per (case, clock, threshold), `alert-<caseId>-<clock code>-<threshold code>`.
 * The stream can only be created once, which is what makes "one alert per clock per threshold" hold across
 * restarts, replays and several notifiers: the second RaiseAlert is refused by the store.
 */
export const ALERT_STREAM = 'alert';

/** warning: the policy's warning point passed; breach: the deadline passed; major: a major complaint (重大投诉). */
export type AlertThreshold = 'warning' | 'breach' | 'major';
export const ALERT_THRESHOLDS: readonly AlertThreshold[] = ['warning', 'breach', 'major'];

/** Delivery formats: a signed generic JSON webhook, and the WeCom (企业微信) and DingTalk (钉钉) group robots. */
export type AlertChannelKind = 'json' | 'wecom' | 'dingtalk';
export const ALERT_CHANNEL_KINDS: readonly AlertChannelKind[] = ['json', 'wecom', 'dingtalk'];

/** Who was to be told what: the role on the escalation ladder and the configured routes (by name, never the URL). */
export type AlertRaised = DomainEvent<
  'AlertRaised',
  {
    alertId: string;
    caseStreamId: string;
    caseNumber: string | null;
    /** The SLA clock, or 'major_complaint'. */
    clock: string;
    threshold: AlertThreshold;
    role: Role;
    /** The clock's deadline (the classification time for a major complaint). */
    dueAt: string;
    message: string;
    routes: { name: string; kind: AlertChannelKind }[];
  }
>;

/** One route received the alert (2xx and, for the robots, errcode 0) after `attempts` tries. */
export type AlertDelivered = DomainEvent<'AlertDelivered', { alertId: string; route: string; attempts: number; status: number }>;

/** Every try failed: the route's delivery is on the dead-letter list until an admin retries it. */
export type AlertDeliveryFailed = DomainEvent<'AlertDeliveryFailed', { alertId: string; route: string; attempts: number; error: string }>;

/** An admin put a dead letter back in the queue. */
export type AlertRetryRequested = DomainEvent<'AlertRetryRequested', { alertId: string; routes: string[]; reason?: string }>;

export type AlertEvent = AlertRaised | AlertDelivered | AlertDeliveryFailed | AlertRetryRequested;
export const ALERT_EVENT_TYPES: readonly AlertEvent['type'][] = ['AlertRaised', 'AlertDelivered', 'AlertDeliveryFailed', 'AlertRetryRequested'];

const CLOCK_CODES: Record<string, string> = {
  complaint_first_reply: 'fr', complaint_promised_reply: 'pr', repair_arrival: 'ar', repair_fix: 'fx', repair_assessment: 'as',
  help_answer: 'ha', follow_up_visit: 'fu', major_complaint: 'mj',
};
const THRESHOLD_CODES: Record<AlertThreshold, string> = { warning: 'w', breach: 'b', major: 'm' };

/** The alert's id (and stream suffix): the case id, the clock and the threshold, short enough for a stream id. */
export function alertIdOf(caseId: string, clock: string, threshold: AlertThreshold): string {
  const code = CLOCK_CODES[clock];
  if (!code) throw new Error(`no alert code for clock '${clock}'`);
  return `${caseId}-${code}-${THRESHOLD_CODES[threshold]}`;
}
