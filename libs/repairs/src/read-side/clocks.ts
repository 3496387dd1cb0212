import { type EnvelopeOf, ofType } from '@service-ledger/core';
import { type CaseClockSpecs, type ClockRules, type ClockSpec, type Pause, wallClock } from '@service-ledger/sla';
import type { RepairEvent } from '../events';

/** A repair's stored events, one envelope type per event (`switch (e.type)` narrows `e.data`). */
export type RepairEnvelope = EnvelopeOf<RepairEvent>;
export type RepairClock = 'repair_arrival' | 'repair_fix' | 'repair_assessment' | 'follow_up_visit';

const t = (iso: string) => Date.parse(iso);

/**
 * A repair's clocks (libs/sla judges them): arrival (urgent only) and fix from the report or the owner's later
 * appointment, both skipping paused time; the assessment of a non-standard item; the follow-up visit after completion.
 */
export function repairClocks(events: RepairEnvelope[], rules: ClockRules): CaseClockSpecs<RepairClock> {
  const reported = events.find(ofType('RepairReported'));
  if (!reported) return { specs: [], pauses: [] };
  const data = reported.data;
  let category = data.category;
  let everUrgent = category === 'urgent';
  let downgradedAt: number | null = null;
  const pauses: Pause[] = [];
  let arrived: number | null = null;
  let completed: number | null = null;
  let assessed: number | null = null;
  let cancelled: number | null = null;
  for (const e of events) {
    const at = t(e.occurredAt);
    if (e.type === 'RepairReclassified') {
      const to = e.data.to;
      if (to === 'general' && category === 'urgent') downgradedAt = at;
      if (to === 'urgent') (everUrgent = true), (downgradedAt = null);
      category = to;
    }
    else if (e.type === 'RepairPaused') pauses.push({ from: at, to: null });
    else if (e.type === 'RepairResumed' && pauses.length && pauses[pauses.length - 1].to === null) pauses[pauses.length - 1].to = at;
    else if (e.type === 'TechnicianArrived' && arrived === null) arrived = at;
    else if (e.type === 'RepairCompleted') completed = at;
    else if (e.type === 'RepairAssessed' && assessed === null) assessed = at;
    else if (e.type === 'RepairCancelled') cancelled = at;
  }
  const reportedAt = t(reported.occurredAt);
  // The owner chose a later appointment: the company's clocks start then.
  const start = data.appointmentAt ? Math.max(reportedAt, t(data.appointmentAt)) : reportedAt;
  const specs: ClockSpec<RepairClock>[] = [];
  // An urgent repair reclassified as general keeps its arrival clock, cancelled at the reclassification (a breach
  // already incurred stays): the clock does not vanish, so its row is replaced whatever batches the events came in.
  const arrival = everUrgent ? wallClock('repair_arrival', start, (p) => p.urgentArrivalMs, rules, category === 'urgent' || (arrived !== null && arrived <= downgradedAt!) ? arrived : null, true) : null;
  if (arrival) specs.push(arrival);
  specs.push(wallClock('repair_fix', start, (p) => (category === 'urgent' ? p.urgentFixMs : p.generalFixMs), rules, completed, true));
  if (data.nonStandard) specs.push(wallClock('repair_assessment', reportedAt, (p) => p.assessmentMs, rules, assessed));
  if (completed !== null) {
    const visit = events.find(ofType('RepairFollowUpVisited'));
    specs.push(wallClock('follow_up_visit', completed, (p) => p.followUpVisitMs, rules, visit ? t(visit.occurredAt) : null));
  }
  for (const s of specs) if (s.met === null) s.cancelledAt = cancelled;
  if (arrival && category === 'general' && arrival.met === null) arrival.cancelledAt = cancelled === null ? downgradedAt : Math.min(cancelled, downgradedAt!);
  return { specs, pauses };
}
