import { type CaseFacts, exhaustive } from '@service-ledger/core';
import { type ClockOwner, FOLLOW_UP_VISIT_OWNER, followUpVisitOwner, type SlaClock } from '@service-ledger/sla';
import type { RepairClock, RepairEnvelope } from './clocks';

/** The columns of a case row that a repair's events decide (libs/analytics owns the whole row and its table). */
export interface RepairCaseRow {
  case_id: string;
  status: string;
  building: string;
  channel: string;
  owner_ref: string;
  first_responder_id: string;
  handler_id: string;
  department: string;
  closed_at: string | null;
  repair_category: string;
  part: string;
  non_standard: number;
  appointment_at: string | null;
  technician_id: string;
  arrived_at: string | null;
  completed_at: string | null;
  quote_declined: number;
  paused_for_parts: number;
  material_cost: number;
  labour_cost: number;
  total_fee: number;
  paid: number;
  rework_of: string;
  rework_of_technician: string;
  owner_satisfied: number | null;
  follow_up_count: number;
  last_satisfied: number | null;
}

export interface RepairFacts extends CaseFacts {
  /** The engineering supervisor who assessed a non-standard item ('' until assessed). */
  assessor: string;
}

/** Folds a repair's events into its row's columns; every event type is decided here (a new one fails to compile). */
export function foldRepair(events: RepairEnvelope[], row: RepairCaseRow): RepairFacts {
  const facts: RepairFacts = { assessor: '', followUpVisits: [], workers: new Set() };
  for (const e of events) {
    switch (e.type) {
      case 'RepairReported': {
        const d = e.data;
        Object.assign(row, {
          building: d.location?.building ?? '', channel: d.channel, owner_ref: d.ownerRef, first_responder_id: d.firstResponderId, department: 'engineering',
          repair_category: d.category, part: d.part, non_standard: d.nonStandard ? 1 : 0, appointment_at: d.appointmentAt ?? null,
          rework_of: d.reworkOf?.repairId ?? '', rework_of_technician: d.reworkOf?.technicianId ?? '',
        });
        break;
      }
      case 'RepairAssessed':
        facts.assessor = e.data.assessorId;
        break;
      case 'RepairDispatched':
        Object.assign(row, { technician_id: e.data.technicianId, handler_id: e.data.technicianId, status: 'dispatched' });
        break;
      case 'TechnicianArrived':
        row.arrived_at ??= e.occurredAt;
        row.status = 'on_site';
        break;
      case 'RepairQuoted':
        Object.assign(row, { material_cost: e.data.materialCost, labour_cost: e.data.labourCost, total_fee: e.data.total });
        break;
      case 'RepairQuoteDeclined':
        Object.assign(row, { quote_declined: 1, status: 'quote_declined' });
        break;
      case 'RepairWorkStarted':
        row.status = 'in_progress';
        break;
      case 'RepairPaused':
        if (e.data.reason === 'parts_on_order') row.paused_for_parts = 1;
        break;
      case 'RepairReclassified':
        row.repair_category = e.data.to;
        break;
      case 'RepairCompleted':
        Object.assign(row, { status: 'completed', completed_at: e.occurredAt, closed_at: e.occurredAt, material_cost: e.data.materialCost, labour_cost: e.data.labourCost, total_fee: e.data.total });
        break;
      case 'RepairAcceptedByOwner':
        row.owner_satisfied = e.data.satisfied ? 1 : 0;
        break;
      case 'RepairPaymentReceived':
        row.paid += e.data.amount;
        break;
      case 'RepairFollowUpVisited': {
        const d = e.data;
        facts.followUpVisits.push({ visitId: d.visitId, at: e.occurredAt, method: d.method, satisfied: d.satisfied, remarks: d.remarks ?? '', visitorId: d.visitorStaffId, responsibleId: row.technician_id });
        row.follow_up_count += 1;
        row.last_satisfied = d.satisfied ? 1 : 0;
        break;
      }
      case 'RepairCancelled':
        Object.assign(row, { status: 'cancelled', closed_at: e.occurredAt });
        break;
      // Steps on the way that change no column: the quote accepted, owner materials checked, work resumed.
      case 'RepairQuoteAccepted':
      case 'OwnerMaterialChecked':
      case 'RepairResumed':
        break;
      default:
        exhaustive(e);
    }
    if (row.technician_id) facts.workers.add(row.technician_id);
  }
  return facts;
}

/** Who answers for each of a repair's clocks, in words (KPI.md); `repairClockOwner` implements them. */
export const REPAIR_CLOCK_OWNERS: Record<RepairClock, string> = {
  repair_arrival: 'technician dispatched',
  repair_fix: 'technician dispatched',
  repair_assessment: 'engineering supervisor who assessed (none named until assessed)',
  follow_up_visit: FOLLOW_UP_VISIT_OWNER,
};

/**
 * Who answers for a repair's clocks: arrival and fix → the technician dispatched (no one before dispatch); the
 * non-standard assessment → the engineering supervisor who assessed (no one before); the follow-up visit → the
 * visitor who made it, the first responder until visited.
 */
export function repairClockOwner(c: SlaClock<RepairClock>, row: RepairCaseRow, facts: RepairFacts): ClockOwner {
  switch (c.clock) {
    case 'repair_arrival':
    case 'repair_fix':
      return { staffId: row.technician_id, credit: 'handler' };
    case 'repair_assessment':
      return { staffId: facts.assessor, credit: 'assessor' };
    case 'follow_up_visit':
      return followUpVisitOwner(c, facts, row.first_responder_id);
    default:
      return exhaustive(c.clock);
  }
}
