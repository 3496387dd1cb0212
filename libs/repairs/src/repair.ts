import { type Aggregate, exhaustive, typedAggregate } from '@service-ledger/core';
import type { MaterialVerdict, RepairCategory, RepairEvent } from './events';

export type RepairStatus = 'reported' | 'dispatched' | 'on_site' | 'quoted' | 'quote_accepted' | 'quote_declined' | 'in_progress' | 'completed' | 'cancelled';

export interface RepairState {
  exists: boolean;
  status: RepairStatus | null;
  category?: RepairCategory;
  nonStandard: boolean;
  assessment?: { feasible: boolean };
  technicianId?: string;
  reportedAt?: string;
  completedAt?: string;
  total: number;
  paid: number;
  paused: boolean;
  ownerAccepted: boolean;
  /** Latest verdict per owner-supplied material. */
  materials: Record<string, MaterialVerdict>;
}

export const OPEN: readonly RepairStatus[] = ['reported', 'dispatched', 'on_site', 'quoted', 'quote_accepted', 'quote_declined', 'in_progress'];

export const repairAggregate: Aggregate<RepairState> = typedAggregate<RepairState, RepairEvent>({
  initialState: () => ({ exists: false, status: null, nonStandard: false, total: 0, paid: 0, paused: false, ownerAccepted: false, materials: {} }),
  evolve(state, e): RepairState {
    switch (e.type) {
      case 'RepairReported':
        return { ...state, exists: true, status: 'reported', category: e.data.category, nonStandard: e.data.nonStandard, reportedAt: e.occurredAt };
      case 'RepairDispatched':
        return { ...state, status: 'dispatched', technicianId: e.data.technicianId };
      case 'RepairAssessed':
        return { ...state, assessment: { feasible: e.data.feasible } };
      case 'TechnicianArrived':
        return { ...state, status: 'on_site' };
      case 'RepairQuoted':
        return { ...state, status: 'quoted', total: e.data.total };
      case 'RepairQuoteAccepted':
        return { ...state, status: 'quote_accepted' };
      case 'RepairQuoteDeclined':
        return { ...state, status: 'quote_declined' };
      case 'OwnerMaterialChecked':
        return { ...state, materials: { ...state.materials, [e.data.material]: e.data.verdict } };
      case 'RepairWorkStarted':
        return { ...state, status: 'in_progress' };
      case 'RepairPaused':
        return { ...state, paused: true };
      case 'RepairResumed':
        return { ...state, paused: false };
      case 'RepairReclassified':
        return { ...state, category: e.data.to };
      case 'RepairCompleted':
        return { ...state, status: 'completed', completedAt: e.occurredAt, total: e.data.total };
      case 'RepairAcceptedByOwner':
        return { ...state, ownerAccepted: true };
      case 'RepairPaymentReceived':
        return { ...state, paid: state.paid + e.data.amount };
      case 'RepairCancelled':
        return { ...state, status: 'cancelled', paused: false };
      // The follow-up visit decides nothing later commands check.
      case 'RepairFollowUpVisited':
        return state;
      default:
        return exhaustive(e) ?? state;
    }
  },
});
