import { defaultCalendarOptions } from '@service-ledger/calendar';
import { Duration } from 'luxon';
import type { PolicyChange, PolicyInForce } from './in-force';

/** ISO-8601 duration of a millisecond count, e.g. 13_500_000 → PT3H45M. */
export function isoDuration(ms: number): string {
  return Duration.fromMillis(ms).shiftTo('days', 'hours', 'minutes', 'seconds').normalize().removeZeros().toISO() ?? 'PT0S';
}

/** A change as JSON (who set it, when, why, what). */
export function changeView(c: PolicyChange) {
  return { id: c.id, scope: c.scope, effectiveFrom: c.effectiveFrom, setBy: c.setBy, recordedAt: c.recordedAt, reason: c.reason, position: c.position.toString(), sections: c.sections };
}

/** One line saying what a change set, for the export's definitions sheet and the CLI. */
export function changeSummary(c: PolicyChange): string {
  const s = c.sections;
  const parts: string[] = [];
  if (s.calendar) parts.push(`calendar ${Object.entries(s.calendar.week).filter(([, v]) => v?.length).map(([d, v]) => `${d} ${v!.map((x) => x.join('–')).join(',')}`).join('; ')}${s.calendar.timeZone ? ` (${s.calendar.timeZone})` : ''}${s.calendar.extraDaysOff.length ? `, ${s.calendar.extraDaysOff.length} extra days off` : ''}${s.calendar.extraWorkingDays.length ? `, ${s.calendar.extraWorkingDays.length} extra working days` : ''}`);
  if (s.departmentCalendars) parts.push(`department calendars: ${Object.keys(s.departmentCalendars).join(', ')}`);
  if (s.sla) parts.push(`SLA ${Object.entries(s.sla).map(([k, v]) => `${k} ${k === 'warningFraction' ? v : isoDuration(v as number)}`).join(', ')}`);
  if (s.scoreWeights) parts.push(`score weights on-time ${s.scoreWeights.onTime}, satisfaction ${s.scoreWeights.satisfaction}, volume ${s.scoreWeights.volume}, −${s.scoreWeights.reworkPenalty}/rework`);
  if (s.complaintTopics) parts.push(`complaint topics: ${s.complaintTopics.map((t) => `${t.code}${t.retired ? ' (retired)' : ''}`).join(', ')}`);
  return parts.join('; ');
}

/** The policy in force as JSON: limits as ISO durations (and milliseconds), the calendar, weights, topics, versions. */
export function policyView(p: PolicyInForce) {
  return {
    projectId: p.projectId,
    at: p.at,
    version: p.version,
    calendar: {
      timeZone: p.calendar.options.timeZone,
      standardWorkingDay: isoDuration(p.calendar.standardWorkingDayMs()),
      ...(p.calendarSection ?? { week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, defaultCalendarOptions().slots])), builtIn: true }),
    },
    sla: Object.fromEntries(Object.entries(p.sla).map(([k, v]) => [k, k === 'warningFraction' ? v : { iso: isoDuration(v), ms: v }])),
    halfWorkingDay: p.halfWorkingDayOverridden ? 'set by the policy' : 'half the standard working day',
    scoreWeights: p.scoreWeights,
    complaintTopics: p.complaintTopics,
    changes: p.changes.map(changeView),
  };
}
