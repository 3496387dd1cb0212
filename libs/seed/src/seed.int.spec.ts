import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { generateHistory, streamHistory } from './generator';
import { seedStore } from './seed';

const until = new Date('2026-11-20T00:00:00Z');

describe('sample data generator', () => {
  it('is deterministic for a seed', () => {
    const a = generateHistory({ projects: 2, months: 2, seed: 7, until });
    const b = generateHistory({ projects: 2, months: 2, seed: 7, until });
    const c = generateHistory({ projects: 2, months: 2, seed: 8, until });
    expect(a.commands).toEqual(b.commands);
    expect(a.commands).not.toEqual(c.commands);
  });

  it('covers every kind of case and staff in every role', () => {
    const { commands, staff } = generateHistory({ projects: 3, months: 6, seed: 1, until });
    const names = new Set(commands.map((c) => c.name));
    for (const n of ['ReceiveComplaint', 'ReportMajorComplaint', 'EscalateComplaint', 'ReportRepair', 'AssessRepair', 'DeclineRepairQuote', 'CheckOwnerMaterial', 'PauseRepair', 'ReceiveRepairPayment', 'RecordRepairFollowUpVisit', 'RecordComplaintFollowUpVisit', 'ReceiveHelpRequest', 'ReferHelpRequest', 'RecordCourtesyVisit', 'CheckInVisitor']) {
      expect(names).toContain(n);
    }
    expect(commands.some((c) => c.name === 'ReportRepair' && c.payload.reworkOf)).toBe(true);
    expect(new Set(staff.map((s) => s.role))).toEqual(new Set(['receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor', 'admin']));
    // More repairs in the rainy season than in spring.
    const month = (m: number) => commands.filter((c) => c.name === 'ReportRepair' && new Date(c.at).getUTCMonth() + 1 === m).length;
    expect(month(7)).toBeGreaterThan(month(10) * 1.2);
  });

  it('streams a bigger company in time order, deterministic for a seed, with bigger projects at a larger scale', () => {
    const options = { projects: 2, months: 2, seed: 7, until, scale: 3 };
    const streamed = [...streamHistory(options)];
    expect([...streamHistory(options)]).toEqual(streamed);
    expect(streamed.every((c, i) => i === 0 || streamed[i - 1].at <= c.at)).toBe(true);
    expect(new Set(streamed.map((c) => c.commandId)).size).toBe(streamed.length);
    const typical = generateHistory({ projects: 2, months: 2, seed: 7, until });
    const repairs = (cs: { name: string }[]) => cs.filter((c) => c.name === 'ReportRepair').length;
    expect(repairs(streamed)).toBeGreaterThan(2 * repairs(typical.commands));
    const technicians = (cs: { name: string; payload: Record<string, unknown> }[]) => cs.filter((c) => c.name === 'RegisterStaffMember' && c.payload.role === 'technician').length;
    expect(technicians(streamed)).toBe(3 * technicians(typical.commands));
  });

  describe('through the real pipeline', () => {
    let store: EventStore;
    beforeAll(async () => (store = await createEventStore({ kind: 'pglite' })));
    afterAll(() => store.close());

    it('every generated command is accepted, and a re-run appends nothing', async () => {
      const first = await seedStore(store, { projects: 1, months: 2, seed: 3, until });
      expect(first.failed).toEqual([]);
      expect(first.applied).toBe(first.commands);
      const second = await seedStore(store, { projects: 1, months: 2, seed: 3, until });
      expect(second).toMatchObject({ applied: 0, duplicates: first.commands, failed: [] });
    }, 120_000);
  });
});
