import { Duration } from 'luxon';
import { z } from 'zod';

/**
 * What a policy change may set, section by section. A change names only the sections it sets; each section it sets
 * replaces the one in force before (SLA limits are field by field), so a calendar change leaves the limits alone.
 */

const localTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be a local time HH:mm');
const slot = z
  .tuple([localTime, localTime])
  .refine(([a, b]) => a < b, { message: 'a working slot must end after it starts' });
const daySlots = z
  .array(slot)
  .max(6)
  .refine((slots) => [...slots].sort((x, y) => x[0].localeCompare(y[0])).every((s, i, all) => i === 0 || all[i - 1][1] <= s[0]), { message: 'working slots must not overlap' });
const localDate = z.iso.date({ error: 'must be a local date YYYY-MM-DD' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

/** A business calendar: working slots per weekday (absent or empty = day off), time zone, own days off and on. */
export const calendarSection = z.strictObject({
  timeZone: timeZone.optional(),
  week: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, daySlots.optional()])) as Record<Weekday, z.ZodOptional<typeof daySlots>>).refine(
    (w) => Object.values(w).some((slots) => slots && slots.length > 0),
    { message: 'at least one weekday needs a working slot' },
  ),
  /** Days off on top of the national holidays (e.g. the project's anniversary), local dates. */
  extraDaysOff: z.array(localDate).max(400).default([]),
  /** Working days on top of the national 调休 days, local dates. */
  extraWorkingDays: z.array(localDate).max(400).default([]),
});
export type CalendarSection = z.output<typeof calendarSection>;

/** An ISO-8601 duration such as PT2H or PT15M, at least a minute and at most a year. */
const duration = z.string().transform((text, ctx) => {
  const d = Duration.fromISO(text);
  const ms = d.isValid ? d.toMillis() : NaN;
  if (!(ms >= 60_000 && ms <= 366 * 24 * 3600_000)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 duration between PT1M and P366D, e.g. PT2H' });
    return z.NEVER;
  }
  return ms;
});

/** Every limit of libs/sla (field names without `Ms`), as ISO durations; `halfWorkingDay` overrides the derived one. */
export const slaSection = z
  .strictObject({
    urgentArrival: duration,
    urgentFix: duration,
    generalFix: duration,
    assessment: duration,
    helpAnswer: duration,
    followUpVisit: duration,
    /** Complaint first reply, in working time: by default half the calendar's standard working day. */
    halfWorkingDay: duration,
    warningFraction: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1'),
  })
  .partial();
export type SlaSection = z.output<typeof slaSection>;

/** Weights of the composite staff score (0–100). */
export const scoreWeightsSection = z
  .strictObject({
    onTime: z.number().min(0).max(100),
    satisfaction: z.number().min(0).max(100),
    volume: z.number().min(0).max(100),
    /** Points taken off per rework attributed in the month. */
    reworkPenalty: z.number().min(0).max(100),
  })
  .refine((w) => w.onTime + w.satisfaction + w.volume === 100, { message: 'onTime + satisfaction + volume must add up to 100' });
export type ScoreWeights = z.output<typeof scoreWeightsSection>;
export const DEFAULT_WEIGHTS: ScoreWeights = { onTime: 40, satisfaction: 40, volume: 20, reworkPenalty: 5 };

export const topicCode = z.string().trim().regex(/^[a-z_]{2,32}$/, 'must be a topic code (2–32 lowercase letters and _)');
const topic = z.strictObject({
  code: topicCode,
  zh: z.string().trim().min(1).max(40),
  en: z.string().trim().min(1).max(60),
  /** A retired topic is no longer offered, but cases classified with it keep their label. */
  retired: z.boolean().default(false),
});
export type ComplaintTopic = z.output<typeof topic>;
export const topicsSection = z
  .array(topic)
  .min(1)
  .max(200)
  .refine((list) => new Set(list.map((t) => t.code)).size === list.length, { message: 'topic codes must be unique' });

/** The default complaint topic taxonomy (domain: cleaning, security, parking, noise …). */
export const DEFAULT_TOPICS: ComplaintTopic[] = (
  [
    ['cleaning', '保洁', 'Cleaning'], ['security', '安保', 'Security'], ['parking', '停车', 'Parking'], ['noise', '噪音', 'Noise'],
    ['greening', '绿化', 'Greening'], ['fees', '收费', 'Fees'], ['lifts', '电梯', 'Lifts'], ['water', '供水', 'Water'], ['power', '供电', 'Power'],
    ['neighbours', '邻里', 'Neighbours'], ['decoration', '装修', 'Decoration'],
  ] as const
).map(([code, zh, en]) => ({ code, zh, en, retired: false }));

/** The sections of one change (at least one). Department calendars are keyed by department id. */
export const policySections = z
  .strictObject({
    calendar: calendarSection.optional(),
    departmentCalendars: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a department id'), calendarSection).optional(),
    sla: slaSection.optional(),
    scoreWeights: scoreWeightsSection.optional(),
    complaintTopics: topicsSection.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'a policy change sets at least one of calendar, departmentCalendars, sla, scoreWeights, complaintTopics' });
export type PolicySections = z.output<typeof policySections>;
/** What a file or request carries before validation (durations as text). */
export type PolicySectionsInput = z.input<typeof policySections>;
