import { type Actor, newId } from '@service-ledger/core';
import type { EventStore } from '@service-ledger/event-store';
import { ACCESS_STREAM, type AuditAccessRecorded } from './events';

/** Appends access records as events, so the log has the same guarantees (hash chain, replay) as the history. */
export class AccessLogWriter {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(actor: Actor, data: AuditAccessRecorded['data'], projectId = '*'): Promise<void> {
    const at = this.now();
    const id = newId();
    await this.store.append(
      `${ACCESS_STREAM}-${at.toISOString().slice(0, 10)}`,
      [{ type: 'AuditAccessRecorded', schemaVersion: 1, data, metadata: { occurredAt: at.toISOString(), actor, projectId, correlationId: id, causationId: null } }],
      'any',
    );
  }
}
