import { type CommandContext, FixedClock, newId, type Role } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { complaintPayload, repairPayload } from './fixtures';

/** Registers projects through the pipeline (cases start only in registered projects), skipping those already there. */
export async function registerProjects(pipeline: CommandPipeline, projects: string[]): Promise<void> {
  for (const projectId of projects) {
    const ctx: CommandContext = { commandId: newId(), actor: { staffId: 'system', role: 'system' }, projectScope: '*', occurredAt: '2020-01-01T00:00:00Z', correlationId: newId(), causationId: null };
    await pipeline.execute('RegisterProject', { projectId, name: `Project ${projectId}`, city: '上海', buildings: [{ building: '1', units: ['0101'] }] }, ctx).catch((e: { rule?: string }) => {
      if (e.rule !== 'project.already_exists') throw e;
    });
  }
}

/** Writes a case history through the real pipeline, one step at a time, at given Shanghai local times. */
export class Scenario {
  readonly pipeline: CommandPipeline;
  private readonly registered = new Set<string>();
  constructor(
    store: EventStore,
    readonly clock = new FixedClock(new Date('2027-01-01T00:00:00Z')),
  ) {
    this.pipeline = new CommandPipeline(store, clock);
  }

  async run(name: string, payload: Record<string, unknown>, localTime: string, role: Role = 'receptionist', staffId = `${role}-1`, project = 'p1') {
    await this.register(project);
    const ctx: CommandContext = { commandId: newId(), actor: { staffId, role }, projectScope: [project], occurredAt: `${localTime}+08:00`, correlationId: newId(), causationId: null };
    return this.pipeline.execute(name, payload, ctx);
  }

  /** Cases start only in registered projects: the first use of a project registers it (on 2020-01-01). */
  private async register(project: string): Promise<void> {
    if (this.registered.has(project)) return;
    this.registered.add(project);
    await registerProjects(this.pipeline, [project]);
  }

  /** A repair through dispatch, arrival, quote, acceptance and start; returns its id. */
  async repairToWork(opts: { category: 'urgent' | 'general'; reported: string; arrived: string; technician?: string; project?: string; extra?: Record<string, unknown> }) {
    const id = newId();
    const tech = opts.technician ?? 'tech-1';
    const project = opts.project ?? 'p1';
    await this.run('ReportRepair', repairPayload(id, project, { category: opts.category, ...opts.extra }), opts.reported, 'receptionist', 'desk-1', project);
    await this.run('DispatchRepair', { repairId: id, technicianId: tech, dispatchNo: `D-${id.slice(-4)}` }, opts.reported, 'engineering_supervisor', 'eng-1', project);
    await this.run('RecordTechnicianArrival', { repairId: id }, opts.arrived, 'technician', tech, project);
    await this.run('QuoteRepair', { repairId: id, scope: 'replace part', materialCost: 1000, labourCost: 2000 }, opts.arrived, 'technician', tech, project);
    await this.run('AcceptRepairQuote', { repairId: id }, opts.arrived, 'technician', tech, project);
    await this.run('StartRepairWork', { repairId: id }, opts.arrived, 'technician', tech, project);
    return id;
  }

  async complete(id: string, at: string, tech = 'tech-1', project = 'p1') {
    await this.run('CompleteRepair', { repairId: id, workDone: 'fixed', materials: [], materialCost: 1000, labourCost: 2000 }, at, 'technician', tech, project);
  }

  async complaint(received: string, project = 'p1', staff = 'desk-1') {
    const id = newId();
    await this.run('ReceiveComplaint', complaintPayload(id, project), received, 'receptionist', staff, project);
    return id;
  }
}
