import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@service-ledger/core';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import { complaintPayload } from '@service-ledger/testing';
import { importFile } from './import-history';

describe('service-ledger import', () => {
  let store: EventStore;
  beforeEach(async () => (store = await createEventStore({ kind: 'pglite' })));
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
    const first = await importFile(store, file);
    expect(first.applied).toBe(2);
    expect(first.failed.map((f) => f.line)).toEqual([3, 4, 5]);
    expect(first.failed[0].error).toMatch(/occurredAt/);
    expect(first.failed[1].error).toMatch(/cannot be archived before review/);
    expect(first.failed[2].error).toMatch(/malformed JSON/);
    const after = await count();
    expect(after).toBe(2);
    const second = await importFile(store, file);
    expect(second).toMatchObject({ applied: 0, duplicates: 2 });
    expect(await count()).toBe(after);
  });
});
