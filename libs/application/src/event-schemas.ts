import { AUDIT_EVENT_TYPES } from '@service-ledger/access-log';
import { ALERT_EVENT_TYPES } from '@service-ledger/alerts';
import { COMPLAINT_EVENT_TYPES } from '@service-ledger/complaints';
import { COURTESY_VISIT_EVENT_TYPES } from '@service-ledger/courtesy-visits';
import { DIRECTORY_EVENT_TYPES } from '@service-ledger/directory';
import { HELP_REQUEST_EVENT_TYPES } from '@service-ledger/help-requests';
import { Upcasters } from '@service-ledger/event-store';
import { POLICY_EVENT_TYPES } from '@service-ledger/policies';
import { REPAIR_EVENT_TYPES, REPAIR_UPCASTERS } from '@service-ledger/repairs';
import { VISITOR_EVENT_TYPES } from '@service-ledger/visitor-log';

/** Every event type the capabilities write. */
export const EVENT_TYPES: readonly string[] = [...COMPLAINT_EVENT_TYPES, ...REPAIR_EVENT_TYPES, ...HELP_REQUEST_EVENT_TYPES, ...COURTESY_VISIT_EVENT_TYPES, ...VISITOR_EVENT_TYPES, ...DIRECTORY_EVENT_TYPES, ...AUDIT_EVENT_TYPES, ...POLICY_EVENT_TYPES, ...ALERT_EVENT_TYPES];

/** Every capability's upcasters: a store opened with them reads every stored event in its current shape. */
export const eventUpcasters = new Upcasters().registerAll(REPAIR_UPCASTERS);

/** Type → the schema version the code writes and reads (older ones are upcast on read; newer ones are unknown). */
export const CURRENT_SCHEMA_VERSIONS: ReadonlyMap<string, number> = new Map(EVENT_TYPES.map((t) => [t, eventUpcasters.currentVersion(t)]));
