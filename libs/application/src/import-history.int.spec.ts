import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { policyInForce } from '@service-ledger/policies';
import { complaintPayload } from '@service-ledger/testing';
import { registerProjects } from '@service-ledger/testing';
import { CommandPipeline } from './command-pipeline';
import { importFile } from './import-history';

describe('service-ledger import', () => {
  let store: EventStore;
  beforeEach(async () => {
    store = await createEventStore({ kind: 'pglite' });
    await registerProjects(new CommandPipeline(store), ['p1']);
  });
  afterEach(() => store.close());
  const count = async () => (await store.readAll({ limit: 100_000 })).events.length;

  it('applies good lines, reports bad ones by line number, and appends nothing on a re-run', async () => {
    const id = newId();
    const actor = { staffId: 'desk-1', role: 'receptionist' };
    const lines = [
      { command: 'ReceiveComplaint', commandId: newId(), occurredAt: '2025-06-02T09:00:00+08:00', actor, payload: complaintPayload(id) },
      { command: 'ReplyToComplainant', commandId: newId(), occurredAt: '2025-06-02T10:00:00+08:00', actor, payload: { complaintId: id, message: 'we are on it' } },
      { command: 'ReplyToComplainant', commandId: newId(), occurredAt: '2025-06-01T10:00:00+08:00', actor, payload: { complaintId: id, message: 'before the case began' } },
      { command: 'ArchiveComplaint', commandId: newId(), actor, payload: { complaintId: id } },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'sl-import-')), 'history.ndjson');
    writeFileSync(file, [...lines.map((l) => JSON.stringify(l)), '{not json', ''].join('\n'));
    const base = await count(); // the registered project
    const first = await importFile(store, file);
    expect(first.applied).toBe(2);
    expect(first.failed.map((f) => f.line)).toEqual([3, 4, 5]);
    expect(first.failed[0].error).toMatch(/occurredAt/);
    expect(first.failed[1].error).toMatch(/cannot be archived before review/);
    expect(first.failed[2].error).toMatch(/malformed JSON/);
    const after = await count();
    expect(after).toBe(base + 2);
    const second = await importFile(store, file);
    expect(second).toMatchObject({ applied: 0, duplicates: 2 });
    expect(await count()).toBe(after);
  });

  it('a history file can carry its own calendar: ChangePolicy lines are imported like any command', async () => {
    // A project of the file's own (p1 is registered for every test): the file registers it, then sets its calendar.
    const id = newId();
    const day = [['09:00', '17:00']];
    const lines = [
      { command: 'RegisterProject', commandId: newId(), occurredAt: '2025-01-01T00:00:00+08:00', actor: { staffId: 'admin-1', role: 'admin' }, payload: { projectId: 'p9', name: '翠湖花园', city: '杭州', buildings: [{ building: '1', units: ['0101'] }] } },
      { command: 'ChangePolicy', commandId: newId(), occurredAt: '2025-01-01T00:00:00+08:00', actor: { staffId: 'gm-1', role: 'gm_office' },
        payload: { projectId: 'p9', effectiveFrom: '2025-01-01T00:00:00+08:00', reason: 'service centre hours', sections: { calendar: { week: { mon: day, tue: day, wed: day, thu: day, fri: day } } } } },
      { command: 'ChangePolicy', commandId: newId(), occurredAt: '2025-01-01T00:00:00+08:00', actor: { staffId: 'desk-1', role: 'receptionist' },
        payload: { projectId: 'p9', effectiveFrom: '2025-01-01T00:00:00+08:00', reason: 'not mine to set', sections: { sla: { urgentArrival: 'PT3H' } } } },
      { command: 'ReceiveComplaint', commandId: newId(), occurredAt: '2025-09-30T15:00:00+08:00', actor: { staffId: 'desk-1', role: 'receptionist' }, payload: complaintPayload(id, 'p9') },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'sl-import-')), 'history.ndjson');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const report = await importFile(store, file);
    expect(report.failed).toEqual([{ line: 3, error: expect.stringMatching(/role 'receptionist' may not ChangePolicy/) }]);
    const policy = await policyInForce(store, 'p9', new Date('2025-09-30T07:00:00Z'));
    expect(policy).toMatchObject({ version: 'p9#1', sla: { complaintFirstReplyWorkingMs: 4 * 3600_000 } });
    // 15:00 + 4 working hours on 09:00–17:00, over National Day (1–8 Oct 2025): 9 Oct 11:00.
    expect(policy.calendar.addWorkingTime(new Date('2025-09-30T15:00:00+08:00'), policy.sla.complaintFirstReplyWorkingMs)).toEqual(new Date('2025-10-09T11:00:00+08:00'));
  });
});
