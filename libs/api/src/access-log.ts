import { Inject, Injectable } from '@nestjs/common';
import { AccessLogWriter } from '@service-ledger/audit';
import type { Principal } from '@service-ledger/auth';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';

/**
 * Records audit reads, unmasked reads and exports in the access log stream. Each entry carries the project of what was
 * read ('*' for company-wide reads), so the log itself is scoped: a project-scoped reader sees only its projects' lines.
 */
@Injectable()
export class AccessLog {
  private readonly writer: AccessLogWriter;
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.writer = new AccessLogWriter(store);
  }
  record(principal: Principal, what: Parameters<AccessLogWriter['record']>[1]['what'], details: Record<string, unknown>, target = '', unmasked = false, projectId = '*'): Promise<void> {
    return this.writer.record({ staffId: principal.staffId, role: principal.role }, { what, target, unmasked, details }, projectId);
  }
}
