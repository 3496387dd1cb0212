import { newId } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { contextFor } from '@service-ledger/testing';

/**
 * Cases start only in registered projects: register one (as an admin) before a test starts cases in it. A project the
 * test API already registered (startTestApi registers p1 and p2) is left as it is.
 */
export async function registerProject(store: EventStore, projectId: string): Promise<void> {
  const payload = { projectId, name: `${projectId} 花园`, city: '杭州', buildings: [{ building: '3', units: ['1201'] }] };
  await new CommandPipeline(store).execute('RegisterProject', payload, { ...contextFor('admin', 'admin-1', '*', '2026-01-01T00:00:00+08:00'), commandId: newId() }).catch((e: { rule?: string }) => {
    if (e.rule !== 'project.already_exists') throw e;
  });
}
