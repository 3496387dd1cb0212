import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';
import type { RepairState } from './repair';

const id = '0190f5c2-0000-7000-8000-0000000000a1';
const reported = (nonStandard = false) => event('RepairReported', { repairId: id, category: 'urgent', nonStandard });
const dispatched = event('RepairDispatched', { technicianId: 't1', dispatchNo: 'D1' });
const onSite = event('TechnicianArrived', { technicianId: 't1' });
const quoted = event('RepairQuoted', { scope: 'x', materialCost: 1000, labourCost: 2000, total: 3000 });
const accepted = event('RepairQuoteAccepted', {});
const started = event('RepairWorkStarted', { technicianId: 't1' });
const completed = event('RepairCompleted', { workDone: 'fixed', materials: [], materialCost: 1000, labourCost: 2000, total: 3000 });
const tech = { actor: { staffId: 't1', role: 'technician' as const } };
const desk = { actor: { staffId: 'r1', role: 'receptionist' as const } };

describe('repairs', () => {
  it('repair: no work before an accepted quote', () => {
    given(reported(), dispatched, onSite, quoted).when('StartRepairWork', { repairId: id }, tech).thenRejects('repair.work_requires_accepted_quote');
    given(reported(), dispatched, onSite, quoted, accepted).when('StartRepairWork', { repairId: id }, tech).then('RepairWorkStarted');
  });
  it('repair: a declined quote means no work', () => {
    given(reported(), dispatched, onSite, quoted, event('RepairQuoteDeclined', { reason: 'too dear' })).when('StartRepairWork', { repairId: id }, tech).thenRejects('repair.work_requires_accepted_quote');
  });
  it('repair: the quote is given on site, before work', () => {
    given(reported(), dispatched).when('QuoteRepair', { repairId: id, scope: 's', materialCost: 1, labourCost: 1 }, tech).thenRejects('repair.quote_on_site');
  });
  it('repair: the quote total is material plus labour', () => {
    const [e] = given(reported(), dispatched, onSite).when('QuoteRepair', { repairId: id, scope: 's', materialCost: 1500, labourCost: 2500 }, tech).thenEvents();
    expect(e.data).toMatchObject({ total: 4000 });
  });
  it('non-standard item: assessed as feasible before it is quoted', () => {
    given(reported(true), dispatched, onSite).when('QuoteRepair', { repairId: id, scope: 's', materialCost: 1, labourCost: 1 }, tech).thenRejects('repair.quote_needs_assessment');
    given(reported(true), event('RepairAssessed', { feasible: true }), dispatched, onSite).when('QuoteRepair', { repairId: id, scope: 's', materialCost: 1, labourCost: 1 }, tech).then('RepairQuoted');
  });
  it('non-standard item: only items outside the price list are assessed', () => {
    given(reported(false)).when('AssessRepair', { repairId: id, feasible: true, estimatedCost: 100 }, { actor: { staffId: 'e1', role: 'engineering_supervisor' } }).thenRejects('repair.assess_non_standard_only');
  });
  it('owner material: nonconforming material blocks the work', () => {
    given(reported(), dispatched, onSite, event('OwnerMaterialChecked', { material: 'tap', verdict: 'nonconforming' }), quoted, accepted)
      .when('StartRepairWork', { repairId: id }, tech)
      .thenRejects('repair.nonconforming_material');
  });
  it('payment: never to a technician', () => {
    given(reported(), dispatched, onSite, quoted, accepted, started, completed).when('ReceiveRepairPayment', { repairId: id, amount: 3000, method: 'wechat' }, tech).thenRejects('repair.no_payment_to_technician');
    given(reported(), dispatched, onSite, quoted, accepted, started, completed).when('ReceiveRepairPayment', { repairId: id, amount: 3000, method: 'wechat' }, desk).then('RepairPaymentReceived');
  });
  it('payment: not more than the outstanding total', () => {
    given(reported(), dispatched, onSite, quoted, accepted, started, completed).when('ReceiveRepairPayment', { repairId: id, amount: 3001, method: 'cash' }, desk).thenRejects('repair.overpayment');
  });
  it('pause: a paused order cannot be completed until resumed', () => {
    given(reported(), dispatched, onSite, quoted, accepted, started, event('RepairPaused', { reason: 'parts_on_order' }))
      .when('CompleteRepair', { repairId: id, workDone: 'x', materials: [], materialCost: 0, labourCost: 0 }, tech)
      .thenRejects('repair.paused');
  });
  it('cancel: only before completion', () => {
    given(reported(), dispatched, onSite, quoted, accepted, started, completed).when('CancelRepair', { repairId: id, reason: 'x' }, desk).thenRejects('repair.closed');
  });

  describe('rework: only within the three-month warranty against the original order', () => {
    const original = '0190f5c2-0000-7000-8000-0000000000b2';
    const report = { repairId: id, projectId: 'p1', location: { building: '1' }, part: 'private', channel: 'phone', reporter: { name: '李四', phone: '13900001111' }, ownerRef: 'o', fault: 'leaks again', category: 'general', reworkOf: original };
    const completedOriginal: RepairState = { exists: true, status: 'completed', completedAt: '2026-01-10T02:00:00.000Z', technicianId: 't9', nonStandard: false, total: 0, paid: 0, paused: false, ownerAccepted: true, materials: {} };
    const related = { [`repair-${original}`]: completedOriginal };
    it('within warranty: credited to the original technician', () => {
      const [e] = given().when('ReportRepair', report, { ...desk, related, occurredAt: new Date('2026-04-09T02:00:00Z') }).thenEvents();
      expect(e.data).toMatchObject({ reworkOf: { repairId: original, technicianId: 't9' } });
    });
    it('after the warranty: rejected', () => {
      given().when('ReportRepair', report, { ...desk, related, occurredAt: new Date('2026-04-11T02:00:00Z') }).thenRejects('repair.rework_within_warranty');
    });
    it('against an order not completed: rejected', () => {
      given().when('ReportRepair', report, { ...desk, related: { [`repair-${original}`]: { ...completedOriginal, status: 'in_progress' } }, occurredAt: new Date('2026-02-01T00:00:00Z') }).thenRejects('repair.rework_of_completed');
    });
  });
});
