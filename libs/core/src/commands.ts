import type { ZodType } from 'zod';
import type { Actor, EventEnvelope, Role } from './envelope';

/** Everything about a command that is not its payload: who, which request, and business time. */
export interface CommandContext {
  /** Client-chosen id; a retried command with the same id returns the first result and appends nothing. */
  commandId: string;
  actor: Actor;
  /** Projects the actor may act in ('*' = all, e.g. admin, GM office). */
  projectScope: string[] | '*';
  /** Business time when the record is entered after the fact (from paper forms); defaults to now. */
  occurredAt?: string;
  correlationId: string;
  causationId: string | null;
  /** The stream version the client saw (body `expectedVersion` or `If-Match`); a stream that moved since is a 409. */
  expectedVersion?: number;
}

export interface CommandResult {
  streamId: string;
  /** Stream version after the command. */
  version: number;
  events: EventEnvelope[];
  /** True when this was a retry of an already-applied commandId (nothing appended). */
  duplicate: boolean;
}

/**
 * One entry of the command catalogue: enough for the API, the importer and the docs to treat every
 * command the same way. Payload validation is the zod schema; state rules live in the deciders.
 */
export interface CommandDefinition<P = any> {
  /** Imperative name, e.g. 'ReceiveComplaint'. */
  name: string;
  /** The capability (library) that owns the command; the OpenAPI document groups commands by it (tags). */
  capability: 'complaints' | 'repairs' | 'help-requests' | 'courtesy-visits' | 'visitor-log' | 'directory' | 'policies' | 'alerts';
  /** Validates the payload; messages name the field and rule. */
  schema: ZodType;
  /** The stream the command writes to. */
  streamId(payload: P): string;
  /** Project the command belongs to (for scope checks): taken from payload, or from the stream's state. */
  projectId?(payload: P): string;
  /** Whether the command starts a new stream (the stream must not exist yet). */
  creates: boolean;
  /** The stream may or may not exist yet (a scope's first policy change opens it); the project comes from `projectId`. */
  opens?: boolean;
  /** The decision needs the policy in force for the case's project at the command's business time (`DecideContext.policy`). */
  readsPolicy?: boolean;
  /** Roles allowed to issue it. */
  roles: readonly Role[];
  summary: string;
}
