import { z } from 'zod';
import { type DecideContext, defineCommand, type DomainCommand, ENGINEERING, ensure, event, FRONT_DESK, type Role, schemas as field } from '@service-ledger/core';
import { MATERIAL_VERDICTS, type MaterialLine, PAYMENT_METHODS, REPAIR_CATEGORIES, REPAIR_COMPLETED_VERSION, REPAIR_STREAM } from './events';
import { OPEN, type RepairState, repairAggregate } from './repair';
import { warrantyEndsAt } from './warranty';

const stream = (repairId: string) => `${REPAIR_STREAM}-${repairId}`;
const ref = { repairId: field.caseId };

/** A repair command: its stream is `repair-<repairId>`. */
function repairCommand<S extends z.ZodType>(
  name: string,
  summary: string,
  roles: readonly Role[],
  schema: S,
  decide: (p: z.infer<S>, state: RepairState, ctx: DecideContext) => ReturnType<DomainCommand['decide']>,
  opts: { creates?: boolean; related?: (p: z.infer<S>) => string[] } = {},
): DomainCommand<z.infer<S>, RepairState> {
  return defineCommand({ name, summary, capability: 'repairs', schema, aggregate: repairAggregate, streamId: (p) => stream((p as { repairId: string }).repairId), roles, decide, ...opts });
}

const open = (state: RepairState) => ensure(state.status !== null && OPEN.includes(state.status), 'repair.closed', `the order is ${state.status}`);
const notPaused = (state: RepairState) => ensure(!state.paused, 'repair.paused', 'the order is paused; resume it first');

const reportSchema = z.strictObject({
  ...ref,
  projectId: field.projectId,
  location: field.location,
  part: field.oneOf(['common', 'private'] as const),
  channel: field.channel,
  reporter: field.personalContact,
  ownerRef: field.ownerRef,
  fault: field.longText,
  category: field.oneOf(REPAIR_CATEGORIES),
  nonStandard: z.boolean().default(false),
  appointmentAt: field.instant.optional(),
  keyLeft: z.boolean().default(false),
  /** A rework within warranty names the original order. */
  reworkOf: field.caseId.optional(),
});

export const repairCommands: DomainCommand[] = [
  repairCommand(
    'ReportRepair',
    '报修: a work order; with reworkOf, a rework within the three-month warranty against the original order and technician.',
    [...FRONT_DESK],
    reportSchema,
    (p, _state, ctx) => {
      let reworkOf: { repairId: string; technicianId: string } | undefined;
      if (p.reworkOf) {
        const original = ctx.related[stream(p.reworkOf)] as RepairState | undefined;
        ensure(original?.exists, 'repair.rework_needs_original', `original order ${p.reworkOf} does not exist`);
        ensure(original.status === 'completed' && original.completedAt, 'repair.rework_of_completed', 'rework is only against a completed order');
        ensure(ctx.occurredAt <= warrantyEndsAt(original.completedAt), 'repair.rework_within_warranty', 'rework is only within the three-month warranty of the original order');
        reworkOf = { repairId: p.reworkOf, technicianId: original.technicianId! };
      }
      if (p.appointmentAt) ensure(Date.parse(p.appointmentAt) >= ctx.occurredAt.getTime(), 'repair.appointment_after_report', 'appointmentAt must not be before the report');
      return [
        event('RepairReported', {
          repairId: p.repairId,
          location: p.location,
          part: p.part,
          channel: p.channel,
          reporter: p.reporter,
          ownerRef: p.ownerRef,
          fault: p.fault,
          category: p.category,
          nonStandard: p.nonStandard,
          appointmentAt: p.appointmentAt ? new Date(p.appointmentAt).toISOString() : undefined,
          keyLeft: p.keyLeft,
          firstResponderId: ctx.actor.staffId,
          reworkOf,
        }),
      ];
    },
    { creates: true, related: (p) => (p.reworkOf ? [stream(p.reworkOf)] : []) },
  ),
  repairCommand('DispatchRepair', '派工: assign a technician.', ['engineering_supervisor', 'supervisor', 'receptionist'], z.strictObject({ ...ref, technicianId: field.staffId, dispatchNo: field.shortText }), (p, state) => {
    ensure(state.status === 'reported' || state.status === 'dispatched', 'repair.dispatch_before_arrival', 'an order is dispatched before the technician arrives');
    ensure(!state.nonStandard || state.assessment?.feasible !== false, 'repair.infeasible', 'the item was assessed as not feasible');
    return [event('RepairDispatched', { technicianId: p.technicianId, dispatchNo: p.dispatchNo })];
  }),
  repairCommand(
    'AssessRepair',
    'Non-standard item: the engineering supervisor assesses feasibility and cost (within 15 minutes).',
    ['engineering_supervisor'],
    z.strictObject({ ...ref, feasible: z.boolean(), estimatedCost: field.fen, notes: field.optionalText }),
    (p, state, ctx) => {
      ensure(state.nonStandard, 'repair.assess_non_standard_only', 'only an item not in the price list is assessed');
      ensure(!state.assessment, 'repair.assessed_once', 'the item is already assessed');
      open(state);
      return [event('RepairAssessed', { assessorId: ctx.actor.staffId, feasible: p.feasible, estimatedCost: p.estimatedCost, notes: p.notes })];
    },
  ),
  repairCommand('RecordTechnicianArrival', 'The technician is on site.', [...ENGINEERING], z.strictObject({ ...ref }), (_p, state) => {
    ensure(state.status === 'dispatched', 'repair.arrive_after_dispatch', 'a technician arrives after the order is dispatched');
    notPaused(state);
    return [event('TechnicianArrived', { technicianId: state.technicianId! })];
  }),
  repairCommand(
    'QuoteRepair',
    'Confirm scope and price on site before any work (never afterwards).',
    [...ENGINEERING],
    z.strictObject({ ...ref, scope: field.longText, materialCost: field.fen, labourCost: field.fen }),
    (p, state) => {
      ensure(state.status === 'on_site', 'repair.quote_on_site', 'the quote is given on site, before work');
      ensure(!state.nonStandard || state.assessment?.feasible === true, 'repair.quote_needs_assessment', 'an item not in the price list is assessed as feasible before it is quoted');
      return [event('RepairQuoted', { scope: p.scope, materialCost: p.materialCost, labourCost: p.labourCost, total: p.materialCost + p.labourCost })];
    },
  ),
  repairCommand('AcceptRepairQuote', 'The owner agrees to the quote.', [...ENGINEERING, ...FRONT_DESK], z.strictObject({ ...ref }), (_p, state) => {
    ensure(state.status === 'quoted', 'repair.quote_pending', 'there is no quote waiting for the owner');
    return [event('RepairQuoteAccepted', {} as Record<string, never>)];
  }),
  repairCommand('DeclineRepairQuote', 'The owner declines the quote: no work is done.', [...ENGINEERING, ...FRONT_DESK], z.strictObject({ ...ref, reason: field.longText }), (p, state) => {
    ensure(state.status === 'quoted', 'repair.quote_pending', 'there is no quote waiting for the owner');
    return [event('RepairQuoteDeclined', { reason: p.reason })];
  }),
  repairCommand(
    'CheckOwnerMaterial',
    'Check owner-supplied material: ok / nonconforming / poor.',
    [...ENGINEERING],
    z.strictObject({ ...ref, material: field.shortText, verdict: field.oneOf(MATERIAL_VERDICTS), notes: field.optionalText }),
    (p, state) => {
      ensure(state.status === 'on_site' || state.status === 'quoted' || state.status === 'quote_accepted', 'repair.material_check_before_work', 'owner material is checked on site before work');
      return [event('OwnerMaterialChecked', { material: p.material, verdict: p.verdict, notes: p.notes })];
    },
  ),
  repairCommand('StartRepairWork', 'Start work: only after the owner accepted the quote.', [...ENGINEERING], z.strictObject({ ...ref }), (_p, state, ctx) => {
    ensure(state.status === 'quote_accepted', 'repair.work_requires_accepted_quote', 'no work before the owner accepts the quote');
    notPaused(state);
    const rejected = Object.entries(state.materials).filter(([, v]) => v === 'nonconforming').map(([m]) => m);
    ensure(rejected.length === 0, 'repair.nonconforming_material', `owner material is nonconforming: ${rejected.join(', ')}`);
    return [event('RepairWorkStarted', { technicianId: state.technicianId ?? ctx.actor.staffId })];
  }),
  repairCommand('PauseRepair', 'Pause the SLA clock with a reason.', [...ENGINEERING, ...FRONT_DESK], z.strictObject({ ...ref, reason: field.pauseReason, note: field.optionalText }), (p, state) => {
    open(state);
    ensure(!state.paused, 'repair.already_paused', 'the order is already paused');
    return [event('RepairPaused', { reason: p.reason, note: p.note })];
  }),
  repairCommand('ResumeRepair', 'Resume a paused order.', [...ENGINEERING, ...FRONT_DESK], z.strictObject({ ...ref }), (_p, state) => {
    ensure(state.paused, 'repair.not_paused', 'the order is not paused');
    return [event('RepairResumed', {} as Record<string, never>)];
  }),
  repairCommand('ReclassifyRepair', 'Change urgent/general; paused time so far is kept.', ['engineering_supervisor', 'supervisor'], z.strictObject({ ...ref, to: field.oneOf(REPAIR_CATEGORIES), reason: field.longText }), (p, state) => {
    open(state);
    ensure(state.category !== p.to, 'repair.same_category', `the order is already ${p.to}`);
    return [event('RepairReclassified', { from: state.category!, to: p.to, reason: p.reason })];
  }),
  repairCommand(
    'CompleteRepair',
    'Work finished, with materials and costs.',
    [...ENGINEERING],
    z.strictObject({
      ...ref,
      workDone: field.longText,
      // The request keeps the yes/no flag (clients and import files stay valid); the event names the supplier.
      materials: z.array(z.strictObject({ name: field.shortText, quantity: z.number().positive().max(10000), ownerSupplied: z.boolean() })).max(100),
      materialCost: field.fen,
      labourCost: field.fen,
    }),
    (p, state) => {
      ensure(state.status === 'in_progress', 'repair.complete_after_work', 'an order is completed after work has started');
      notPaused(state);
      const materials = p.materials.map((m): MaterialLine => ({ name: m.name, quantity: m.quantity, suppliedBy: m.ownerSupplied ? 'owner' : 'company' }));
      return [event('RepairCompleted', { workDone: p.workDone, materials, materialCost: p.materialCost, labourCost: p.labourCost, total: p.materialCost + p.labourCost }, REPAIR_COMPLETED_VERSION)];
    },
  ),
  repairCommand(
    'RecordOwnerAcceptance',
    'Owner acceptance and signature with feedback (满意/不满意).',
    [...ENGINEERING, ...FRONT_DESK],
    z.strictObject({ ...ref, satisfied: z.boolean(), feedback: field.optionalText, signed: z.boolean() }),
    (p, state) => {
      ensure(state.status === 'completed', 'repair.accept_after_completion', 'the owner accepts the work after completion');
      ensure(!state.ownerAccepted, 'repair.accepted_once', 'owner acceptance is already recorded');
      return [event('RepairAcceptedByOwner', { satisfied: p.satisfied, feedback: p.feedback, signed: p.signed })];
    },
  ),
  repairCommand(
    'ReceiveRepairPayment',
    'Payment at the service centre, never to the technician.',
    ['receptionist', 'supervisor'],
    z.strictObject({ ...ref, amount: field.fen.refine((v) => v > 0, 'must be more than 0'), method: field.oneOf(PAYMENT_METHODS) }),
    (p, state, ctx) => {
      ensure(!(ENGINEERING as readonly string[]).includes(ctx.actor.role), 'repair.no_payment_to_technician', 'payment is made at the service centre, never to the technician');
      ensure(state.status === 'completed', 'repair.pay_after_completion', 'payment comes after completion');
      ensure(state.paid + p.amount <= state.total, 'repair.overpayment', `amount exceeds the outstanding ${state.total - state.paid} fen`);
      return [event('RepairPaymentReceived', { amount: p.amount, method: p.method, receivedById: ctx.actor.staffId })];
    },
  ),
  repairCommand('RecordRepairFollowUpVisit', '回访 after a completed repair.', [...FRONT_DESK], z.strictObject({ ...ref, ...field.followUpVisit }), (p, state) => {
    ensure(state.status === 'completed', 'repair.follow_up_after_completion', 'a follow-up visit comes after the repair is completed');
    return [event('RepairFollowUpVisited', { visitId: p.visitId, method: p.method, satisfied: p.satisfied, remarks: p.remarks, visitorStaffId: p.visitorStaffId })];
  }),
  repairCommand('CancelRepair', 'Cancel an order before completion.', [...FRONT_DESK, 'engineering_supervisor'], z.strictObject({ ...ref, reason: field.longText }), (p, state) => {
    open(state);
    return [event('RepairCancelled', { reason: p.reason })];
  }),
];
