import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AccessLogWriter, type VerifyJob, VerifyJobs, verifyDetails, type VerifyOptions } from '@service-ledger/audit';
import type { Principal } from '@service-ledger/auth';
import { EVENT_STORE, type EventStore, SqlEventStore } from '@service-ledger/event-store';

/** What `createApp` is given for verify: the checkpoint folder, trusted key and time tolerance from the configuration. */
export const VERIFY_OPTIONS = Symbol('VERIFY_OPTIONS');
export type ApiVerifyOptions = Pick<VerifyOptions, 'checkpointDir' | 'publicKeyPem' | 'timeToleranceSeconds'>;

/**
 * Background verify runs for the API. Reads go in batches of 500 so PGlite (which runs in this thread) never holds
 * the event loop long; the access log gets one entry per requester once the run has ended, describing it.
 */
@Injectable()
export class AuditVerifyJobs implements OnApplicationShutdown {
  readonly jobs: VerifyJobs<Principal> | null;
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(VERIFY_OPTIONS) options: ApiVerifyOptions) {
    const writer = new AccessLogWriter(store);
    this.jobs =
      store instanceof SqlEventStore
        ? new VerifyJobs<Principal>(store, { ...options, batchSize: 500 }, async (job: VerifyJob, requesters, seconds) => {
            const details = job.report ? { job: job.id, ...verifyDetails(job.report, seconds) } : { job: job.id, failed: job.error };
            for (const p of requesters) await writer.record({ staffId: p.staffId, role: p.role }, { what: 'audit_verify', target: job.anchor ?? '', unmasked: false, details });
          })
        : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.jobs?.idle();
  }
}
