import { BusinessCalendar, type CalendarOptions, defaultCalendarOptions, type Slot } from '@service-ledger/calendar';
import type { EventEnvelope } from '@service-ledger/core';
import { defaultSlaPolicy, type RulesAt, type SlaPolicy } from '@service-ledger/sla';
import { type CalendarSection, type ComplaintTopic, DEFAULT_TOPICS, DEFAULT_WEIGHTS, type ScoreWeights, WEEKDAYS } from './document';
import { COMPANY_SCOPE, type PolicyChanged, type StoredSections, versionId } from './events';

/**
 * The department whose calendar times the complaint clocks (the customer service centre, 客户服务中心): a project's
 * `departmentCalendars.customer_service` when set, else its calendar.
 */
export const FRONT_DESK_DEPARTMENT = 'customer_service';

/** One recorded change, as the read side keeps it. */
export interface PolicyChange {
  id: string;
  scope: string;
  change: number;
  effectiveFrom: string;
  reason: string;
  setBy: string;
  recordedAt: string;
  position: bigint;
  sections: StoredSections;
}

/** The rules that apply to one project (and department) at one instant, and the changes they come from. */
export interface PolicyInForce {
  projectId: string;
  at: string;
  /** The changes the sections in force come from, e.g. `company#2 P01#1` (`default` when none: built-in rules). */
  version: string;
  /** Those changes, company first. */
  changes: PolicyChange[];
  sla: SlaPolicy;
  calendar: BusinessCalendar;
  /** The calendar section in force (undefined: the built-in default hours). */
  calendarSection?: CalendarSection;
  /** Whether the first-reply limit is the project's own figure rather than half its standard working day. */
  halfWorkingDayOverridden: boolean;
  scoreWeights: ScoreWeights;
  /** Every topic of the list in force, retired ones included (they label history). */
  complaintTopics: ComplaintTopic[];
}

export function changeFromEvent(e: EventEnvelope): PolicyChange {
  const d = (e as unknown as PolicyChanged).data;
  return {
    id: versionId(d.scope, d.change), scope: d.scope, change: d.change, effectiveFrom: d.effectiveFrom, reason: d.reason,
    setBy: `${e.actor.staffId} (${e.actor.role})`, recordedAt: e.occurredAt, position: e.globalPosition, sections: d.sections,
  };
}

/**
 * Every policy change known so far, and what is in force for a project at an instant: for each section, the latest
 * change by effective instant (then by log position) that sets it, the project's own before the company's, and the
 * built-in defaults under both. A pure fold: the same changes give the same answers in whatever order they arrive.
 */
export class PolicyHistory {
  private readonly changes: PolicyChange[] = [];
  private readonly calendars = new Map<string, BusinessCalendar>();
  private readonly resolved = new Map<string, PolicyInForce>();
  /**
   * Per project, the changes that can apply to it (company's and its own) in effective order: those in force at an
   * instant are a prefix of them, so what is in force is found by counting, not by filtering every change and joining
   * their ids (the projector asks for every clock of every case after every event).
   */
  private readonly byProject = new Map<string, ProjectChanges>();

  /** `timeZone`: the calendar's zone when no policy sets one (SL_TIMEZONE). */
  constructor(readonly timeZone = 'Asia/Shanghai') {}

  static of(events: EventEnvelope[], timeZone?: string): PolicyHistory {
    const h = new PolicyHistory(timeZone);
    for (const e of events) if (e.type === 'PolicyChanged') h.add(changeFromEvent(e));
    return h;
  }

  /** Adds a change; a change already known (same id) is ignored, so redelivery is harmless. */
  add(change: PolicyChange): boolean {
    if (this.changes.some((c) => c.id === change.id)) return false;
    this.changes.push(change);
    this.changes.sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    this.resolved.clear();
    this.byProject.clear();
    return true;
  }

  all(scope?: string): PolicyChange[] {
    return scope ? this.changes.filter((c) => c.scope === scope) : [...this.changes];
  }

  /** Highest log position of a change in force for the project at `at` (0 when none): the projector's row version. */
  positionAt(projectId: string, at: number): bigint {
    const own = this.projectChanges(projectId);
    if (own.inOrder) return own.highestPosition[own.inForceAt(at)];
    let p = 0n;
    for (const c of own.changes) if (Date.parse(c.effectiveFrom) <= at && c.position > p) p = c.position;
    return p;
  }

  /** The policy in force for a project (and optionally a department's calendar) at an instant. */
  inForce(projectId: string, at: Date | number | string, department?: string): PolicyInForce {
    const t = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
    return { ...this.resolve(projectId, t, department), at: new Date(t).toISOString() };
  }

  /**
   * The SLA limits, calendar and version in force, as the clock rules of libs/sla take them: `inForce` without its
   * instant, so one object per distinct set of changes is shared by every caller (who must not modify it).
   */
  rulesAt(projectId: string, at: number, department?: string): RulesAt {
    const own = this.projectChanges(projectId);
    if (!own.inOrder) {
      const p = this.resolve(projectId, at, department);
      return { policy: p.sla, calendar: p.calendar, version: p.version };
    }
    const count = own.inForceAt(at);
    const byCount = own.rules.get(department ?? '') ?? own.rules.set(department ?? '', []).get(department ?? '')!;
    let rules = byCount[count];
    if (!rules) {
      const p = this.resolve(projectId, at, department);
      rules = byCount[count] = { policy: p.sla, calendar: p.calendar, version: p.version };
    }
    return rules;
  }

  private projectChanges(projectId: string): ProjectChanges {
    let own = this.byProject.get(projectId);
    if (!own) {
      const changes = this.changes.filter((c) => c.scope === COMPANY_SCOPE || c.scope === projectId);
      const from = changes.map((c) => Date.parse(c.effectiveFrom));
      const highestPosition = [0n];
      for (const c of changes) highestPosition.push(c.position > highestPosition[highestPosition.length - 1] ? c.position : highestPosition[highestPosition.length - 1]);
      const inForceAt = (t: number) => {
        let n = 0;
        while (n < from.length && from[n] <= t) n += 1;
        return n;
      };
      // An unreadable effective instant (never applies, and sorts anywhere) breaks the prefix: such a project is
      // answered by filtering, as before.
      own = { changes, inForceAt, highestPosition, inOrder: from.every((f, i) => !Number.isNaN(f) && (i === 0 || from[i - 1] <= f)), rules: new Map() };
      this.byProject.set(projectId, own);
    }
    return own;
  }

  /** What is in force (its `at` is that of the first instant asked): shared, cached by the changes that apply. */
  private resolve(projectId: string, t: number, department?: string): PolicyInForce {
    const relevant = this.projectChanges(projectId);
    const applicable = relevant.inOrder ? relevant.changes.slice(0, relevant.inForceAt(t)) : relevant.changes.filter((c) => Date.parse(c.effectiveFrom) <= t);
    // Everything below depends only on which changes apply: cache by their ids.
    const key = `${projectId}|${department ?? ''}|${applicable.map((c) => c.id).join(',')}`;
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const company = applicable.filter((c) => c.scope === COMPANY_SCOPE);
    const own = applicable.filter((c) => c.scope !== COMPANY_SCOPE);
    // The change each section (each SLA limit) comes from: the project's latest, else the company's latest.
    const from = <K extends keyof StoredSections>(k: K, pick: (c: PolicyChange) => unknown = (c) => c.sections[k]) =>
      [...own].reverse().find((c) => pick(c) !== undefined) ?? [...company].reverse().find((c) => pick(c) !== undefined);
    const used = new Set<PolicyChange>();
    const take = <T>(c: PolicyChange | undefined, value: (c: PolicyChange) => T): T | undefined => {
      if (!c) return undefined;
      used.add(c);
      return value(c);
    };
    const deptCal = department ? take(from('departmentCalendars', (c) => c.sections.departmentCalendars?.[department]), (c) => c.sections.departmentCalendars![department]) : undefined;
    const calendarSection = deptCal ?? take(from('calendar'), (c) => c.sections.calendar);
    const calendar = this.calendar(calendarSection);
    // SLA limits field by field: a project's section overrides only the limits it names.
    const sla: SlaPolicy = defaultSlaPolicy();
    for (const field of Object.keys(sla) as (keyof SlaPolicy)[]) {
      const value = take(from('sla', (c) => c.sections.sla?.[field]), (c) => c.sections.sla![field]);
      if (value !== undefined) sla[field] = value;
    }
    const halfWorkingDayOverridden = from('sla', (c) => c.sections.sla?.complaintFirstReplyWorkingMs) !== undefined;
    if (!halfWorkingDayOverridden) sla.complaintFirstReplyWorkingMs = calendar.standardWorkingDayMs() / 2;
    const scoreWeights = take(from('scoreWeights'), (c) => c.sections.scoreWeights) ?? DEFAULT_WEIGHTS;
    const complaintTopics = take(from('complaintTopics'), (c) => c.sections.complaintTopics) ?? DEFAULT_TOPICS;
    const changes = [...used].sort((a, b) => (a.scope === b.scope ? a.change - b.change : a.scope === COMPANY_SCOPE ? -1 : b.scope === COMPANY_SCOPE ? 1 : a.scope.localeCompare(b.scope)));
    const result: PolicyInForce = {
      projectId, at: new Date(t).toISOString(), version: changes.length ? changes.map((c) => c.id).join(' ') : 'default', changes, sla, calendar, calendarSection, halfWorkingDayOverridden, scoreWeights, complaintTopics,
    };
    this.resolved.set(key, result);
    return result;
  }

  /** Calendars are built once per distinct section (each keeps its own memo of working-time sums). */
  private calendar(section: CalendarSection | undefined): BusinessCalendar {
    const key = JSON.stringify(section ?? null);
    let cal = this.calendars.get(key);
    if (!cal) {
      cal = new BusinessCalendar(section ? calendarOptions(section, this.timeZone) : defaultCalendarOptions({}, this.timeZone));
      this.calendars.set(key, cal);
    }
    return cal;
  }
}

/** The changes that can apply to one project, in the order they take effect (see `PolicyHistory.byProject`). */
interface ProjectChanges {
  changes: PolicyChange[];
  /** How many of `changes` are in force at an instant (epoch ms). */
  inForceAt: (t: number) => number;
  /** Highest log position among the first n changes, by n. */
  highestPosition: bigint[];
  /** Whether effective instants are all readable and ascending (so the changes in force are a prefix). */
  inOrder: boolean;
  /** Rules in force by department ('' for none), then by how many changes apply. */
  rules: Map<string, RulesAt[]>;
}

/** A calendar section on top of the national holiday data. */
export function calendarOptions(section: CalendarSection, defaultZone: string): CalendarOptions {
  const base = defaultCalendarOptions({}, section.timeZone ?? defaultZone);
  const weekSlots: Partial<Record<number, Slot[]>> = {};
  WEEKDAYS.forEach((d, i) => (weekSlots[i + 1] = (section.week[d] ?? []) as Slot[]));
  return { ...base, workingWeekdays: [], slots: [], weekSlots, extraDaysOff: section.extraDaysOff, extraWorkdays: section.extraWorkingDays };
}
