import type { Channel, DomainEvent, Fen, FollowUpVisitData, Location, PartKind, PauseReason, PersonalContact } from '@service-ledger/core';

/** Stream category: a repair work order's stream id is `repair-<repairId>`. */
export const REPAIR_STREAM = 'repair';

/** 急修 vs 一般. */
export type RepairCategory = 'urgent' | 'general';
export const REPAIR_CATEGORIES: readonly RepairCategory[] = ['urgent', 'general'];
/** Inspection of owner-supplied materials. */
export type MaterialVerdict = 'ok' | 'nonconforming' | 'poor';
export const MATERIAL_VERDICTS: readonly MaterialVerdict[] = ['ok', 'nonconforming', 'poor'];
export type PaymentMethod = 'cash' | 'card' | 'wechat' | 'alipay' | 'bank_transfer';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['cash', 'card', 'wechat', 'alipay', 'bank_transfer'];

/**
 * Who supplied a material, and so who answers for it: the company's materials fall under its repair warranty, the
 * owner's are checked on site (OwnerMaterialChecked) and are the owner's risk.
 */
export type MaterialSupplier = 'company' | 'owner';
export const MATERIAL_SUPPLIERS: readonly MaterialSupplier[] = ['company', 'owner'];

export interface MaterialLine {
  name: string;
  quantity: number;
  suppliedBy: MaterialSupplier;
}

/** A material line as RepairCompleted schema version 1 stored it (upcast on read, see upcasters.ts). */
export interface MaterialLineV1 {
  name: string;
  quantity: number;
  ownerSupplied: boolean;
}

/** Report (报修). A rework within warranty names the original order (`reworkOf`) and its technician. */
export type RepairReported = DomainEvent<
  'RepairReported',
  {
    repairId: string;
    location: Location;
    part: PartKind;
    channel: Channel;
    /** Personal data: event store only. */
    reporter: PersonalContact;
    ownerRef: string;
    fault: string;
    category: RepairCategory;
    /** Not in the published price list (《维修项目收费标准》): needs assessment within 15 minutes. */
    nonStandard: boolean;
    /** The owner's chosen appointment (预约维修时间); the arrival clock starts here when later than the report. */
    appointmentAt?: string;
    keyLeft: boolean;
    firstResponderId: string;
    reworkOf?: { repairId: string; technicianId: string };
  }
>;

/** 派工. */
export type RepairDispatched = DomainEvent<'RepairDispatched', { technicianId: string; dispatchNo: string }>;

/** Non-standard item assessed by the engineering supervisor: feasibility and cost. */
export type RepairAssessed = DomainEvent<
  'RepairAssessed',
  { assessorId: string; feasible: boolean; estimatedCost: Fen; notes?: string }
>;

export type TechnicianArrived = DomainEvent<'TechnicianArrived', { technicianId: string }>;

/** Scope and price confirmed on site before any work (price is never told afterwards). */
export type RepairQuoted = DomainEvent<
  'RepairQuoted',
  { scope: string; materialCost: Fen; labourCost: Fen; total: Fen }
>;

export type RepairQuoteAccepted = DomainEvent<'RepairQuoteAccepted', Record<string, never>>;
export type RepairQuoteDeclined = DomainEvent<'RepairQuoteDeclined', { reason: string }>;

export type OwnerMaterialChecked = DomainEvent<
  'OwnerMaterialChecked',
  { material: string; verdict: MaterialVerdict; notes?: string }
>;

export type RepairWorkStarted = DomainEvent<'RepairWorkStarted', { technicianId: string }>;

export type RepairPaused = DomainEvent<'RepairPaused', { reason: PauseReason; note?: string }>;
export type RepairResumed = DomainEvent<'RepairResumed', Record<string, never>>;

/** Category changed (e.g. general → urgent); paused time so far is kept. */
export type RepairReclassified = DomainEvent<'RepairReclassified', { from: RepairCategory; to: RepairCategory; reason: string }>;

/** Work finished with its costs. Schema version 2: each material names its supplier (version 1 had a yes/no flag). */
export type RepairCompleted = DomainEvent<
  'RepairCompleted',
  { workDone: string; materials: MaterialLine[]; materialCost: Fen; labourCost: Fen; total: Fen }
>;
export const REPAIR_COMPLETED_VERSION = 2;

/** Owner acceptance and signature, with feedback (满意/不满意). */
export type RepairAcceptedByOwner = DomainEvent<
  'RepairAcceptedByOwner',
  { satisfied: boolean; feedback?: string; signed: boolean }
>;

/** Paid at the service centre, never to the technician. */
export type RepairPaymentReceived = DomainEvent<
  'RepairPaymentReceived',
  { amount: Fen; method: PaymentMethod; receivedById: string }
>;

export type RepairFollowUpVisited = DomainEvent<'RepairFollowUpVisited', FollowUpVisitData>;

export type RepairCancelled = DomainEvent<'RepairCancelled', { reason: string }>;

export type RepairEvent =
  | RepairReported
  | RepairDispatched
  | RepairAssessed
  | TechnicianArrived
  | RepairQuoted
  | RepairQuoteAccepted
  | RepairQuoteDeclined
  | OwnerMaterialChecked
  | RepairWorkStarted
  | RepairPaused
  | RepairResumed
  | RepairReclassified
  | RepairCompleted
  | RepairAcceptedByOwner
  | RepairPaymentReceived
  | RepairFollowUpVisited
  | RepairCancelled;

export const REPAIR_EVENT_TYPES: readonly RepairEvent['type'][] = [
  'RepairReported',
  'RepairDispatched',
  'RepairAssessed',
  'TechnicianArrived',
  'RepairQuoted',
  'RepairQuoteAccepted',
  'RepairQuoteDeclined',
  'OwnerMaterialChecked',
  'RepairWorkStarted',
  'RepairPaused',
  'RepairResumed',
  'RepairReclassified',
  'RepairCompleted',
  'RepairAcceptedByOwner',
  'RepairPaymentReceived',
  'RepairFollowUpVisited',
  'RepairCancelled',
];
