import type { AppDeps } from '@service-ledger/api';
import type { Config } from '@service-ledger/config';
import type { EventStore } from '@service-ledger/event-store';
import type { Health, Logger, Metrics } from '@service-ledger/telemetry';

/** A piece of the embedded process started after the store (seed, projector, scheduler). */
export interface EmbeddedPart {
  name: string;
  start(ctx: { config: Config; store: EventStore; log: (line: string) => void; ops: { metrics: Metrics; health: Health; logger: Logger } }): Promise<{
    stop(): Promise<void>;
    modules?: AppDeps['modules'];
    providers?: AppDeps['providers'];
    /** Resolves if the part can no longer work and the process should be restarted (the projector thread ended). */
    failed?: Promise<Error>;
    /** Run on the main thread as each HTTP request arrives, before it is handled (keep it to microseconds). */
    onRequest?: () => void;
  }>;
}
