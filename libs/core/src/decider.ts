import type { z } from 'zod';
import type { CommandDefinition } from './commands';
import type { Actor, DomainEvent, EnvelopeOf, EventEnvelope, Role } from './envelope';
import { DomainRuleViolation } from './errors';

/** Emmett-style aggregate: a fold over the stream. */
export interface Aggregate<S> {
  initialState(): S;
  evolve(state: S, event: EventEnvelope): S;
}

/**
 * An aggregate whose `evolve` takes its capability's own events, typed (`switch (e.type)` narrows `e.data`). A stream
 * holds only its capability's events (the stream category names it, upcasting has brought them to the current
 * version), so the store's envelopes are taken as that union here, in one place, instead of cast in every `evolve`.
 */
export function typedAggregate<S, E extends DomainEvent<string, unknown>>(aggregate: { initialState(): S; evolve(state: S, event: EnvelopeOf<E>): S }): Aggregate<S> {
  return aggregate as unknown as Aggregate<S>;
}

/** What a decider may know besides the payload and state: business time, who, and related streams' states. */
export interface DecideContext {
  occurredAt: Date;
  actor: Actor;
  projectId: string;
  /** States of the streams named by the command's `related` function, keyed by stream id. */
  related: Record<string, unknown>;
  /** The policy in force for the project at `occurredAt`, for commands with `readsPolicy` (libs/policies). */
  policy?: DecidePolicy;
}

/** What deciders read of the policy in force (libs/policies' PolicyInForce has it all). */
export interface DecidePolicy {
  version: string;
  complaintTopics: readonly { code: string; retired: boolean }[];
}

/** A catalogue command with its pure decision. Handlers stay thin: load → decide → append. */
export interface DomainCommand<P = any, S = any> extends CommandDefinition<P> {
  aggregate: Aggregate<S>;
  /** Other streams whose state the decision needs (e.g. the original order of a rework). */
  related?(payload: P): string[];
  decide(payload: P, state: S, ctx: DecideContext): DomainEvent[];
}

export function event<T extends string, D>(type: T, data: D, schemaVersion = 1): DomainEvent<T, D> {
  return { type, schemaVersion, data };
}

/** Throws a DomainRuleViolation with a stable rule code unless `condition` holds. */
export function ensure(condition: unknown, rule: string, message: string): asserts condition {
  if (!condition) throw new DomainRuleViolation(rule, message);
}

/** Roles that may act everywhere besides a command's own roles. */
export const ALWAYS_ALLOWED: readonly Role[] = ['admin', 'system'];
export const FRONT_DESK: readonly Role[] = ['receptionist', 'supervisor', 'project_manager'];
export const ENGINEERING: readonly Role[] = ['technician', 'engineering_supervisor'];

/** What a capability says about one command; `defineCommand` adds what every command shares. */
export interface CommandSpec<Schema extends z.ZodType, S> {
  name: string;
  summary: string;
  capability: CommandDefinition['capability'];
  schema: Schema;
  aggregate: Aggregate<S>;
  streamId(payload: z.infer<Schema>): string;
  /** Roles besides admin and system, which may send every command. */
  roles: readonly Role[];
  /** Starts a new stream; the payload then names its `projectId`. */
  creates?: boolean;
  related?(payload: z.infer<Schema>): string[];
  /** The decision reads the policy in force (`ctx.policy`). */
  readsPolicy?: boolean;
  decide(payload: z.infer<Schema>, state: S, ctx: DecideContext): DomainEvent[];
}

/** One catalogue entry: a command that creates its stream takes the project from the payload, the others from the stream. */
export function defineCommand<Schema extends z.ZodType, S>(spec: CommandSpec<Schema, S>): DomainCommand<z.infer<Schema>, S> {
  return {
    name: spec.name,
    summary: spec.summary,
    capability: spec.capability,
    schema: spec.schema,
    streamId: spec.streamId,
    projectId: spec.creates ? (p) => (p as { projectId: string }).projectId : undefined,
    creates: spec.creates ?? false,
    roles: [...spec.roles, ...ALWAYS_ALLOWED],
    aggregate: spec.aggregate,
    related: spec.related,
    readsPolicy: spec.readsPolicy,
    decide: spec.decide,
  };
}
