import { NotFoundError } from '@service-ledger/core';
import type { EventStore } from '@service-ledger/event-store';

/** The projects a caller may act in or read: a list, or '*' for company-wide roles. */
export type ProjectScope = string[] | '*';

/**
 * THE one place a case is scoped to a caller. Every read route, every command (its own stream and every other case
 * it names) and every list goes through these: a case outside the caller's projects answers exactly like a case that
 * does not exist (same status, same message), so no response tells another project's cases apart from unknown ids.
 */
export function inProjects(scope: ProjectScope, projectId: string | undefined): projectId is string {
  if (projectId === undefined) return false;
  return scope === '*' || scope.includes(projectId);
}

/** The one "not found" every scoped lookup throws, whether the case is missing or only not the caller's. */
export function caseNotFound(caseId: string): NotFoundError {
  return new NotFoundError(`${caseId} does not exist`);
}

/** The project a stream belongs to (its first event's), or undefined when it does not exist. */
export async function projectOf(store: EventStore, streamId: string): Promise<string | undefined> {
  return (await store.readStream(streamId, { toVersion: 1 }))[0]?.projectId;
}

/** The case's project when the caller may see it; otherwise throws caseNotFound(`shownAs`). */
export async function requireCaseInScope(store: EventStore, streamId: string, scope: ProjectScope, shownAs = streamId): Promise<string> {
  const projectId = await projectOf(store, streamId);
  if (!inProjects(scope, projectId)) throw caseNotFound(shownAs);
  return projectId;
}
