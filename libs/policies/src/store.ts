import type { EventStore } from '@service-ledger/event-store';
import { COMPANY_SCOPE, policyStream } from './events';
import { PolicyHistory, type PolicyInForce } from './in-force';

/** The changes of the company and of the given projects, read from the event store (the source of truth). */
export async function loadPolicyHistory(store: EventStore, projectIds: readonly string[], timeZone?: string): Promise<PolicyHistory> {
  const scopes = [COMPANY_SCOPE, ...new Set(projectIds)];
  const events = (await Promise.all(scopes.map((s) => store.readStream(policyStream(s))))).flat();
  return PolicyHistory.of(events, timeZone);
}

/** "The policy in force for project P at instant T", straight from the store: what other capabilities call. */
export async function policyInForce(store: EventStore, projectId: string, at: Date, options: { department?: string; timeZone?: string } = {}): Promise<PolicyInForce> {
  return (await loadPolicyHistory(store, [projectId], options.timeZone)).inForce(projectId, at, options.department);
}
