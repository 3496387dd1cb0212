import type { ZodError } from 'zod';
import {
  type Aggregate,
  type Clock,
  type CommandContext,
  type CommandResult,
  caseNumberSeries,
  type DomainCommand,
  DomainRuleViolation,
  type EventEnvelope,
  type Role,
  ForbiddenError,
  isJsonValue,
  jsonValue,
  NotFoundError,
  NUMBERED_CATEGORIES,
  ServiceLedgerError,
  assertSafeInput,
  EARLIEST_YEAR,
  instantInRange,
  LATEST_YEAR,
  streamCategory,
  systemClock,
  ValidationError,
  WrongExpectedVersionError,
} from '@service-ledger/core';
import { PROJECT_STREAM } from '@service-ledger/directory';
import { type AppendResult, canonicalJson, type EventStore } from '@service-ledger/event-store';
import { caseNotFound, inProjects } from './case-scope';
import { loadPolicyHistory } from '@service-ledger/policies';
import { findCommand } from './catalogue';

/** Business time may be a little ahead of the server clock (client clocks drift); more is rejected. */
const FUTURE_SKEW_MS = 60_000;

export function zodToValidationError(error: ZodError, prefix = 'payload'): ValidationError {
  const issues = error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].join('.'),
    rule: i.code,
    message: i.message,
  }));
  return new ValidationError(issues.map((i) => `${i.field}: ${i.message} (${i.rule})`).join('; '), issues);
}

/** What a command needs of its stream: the folded state and the facts the checks read. */
interface StreamSnapshot {
  aggregate: Aggregate<unknown>;
  version: number;
  state: unknown;
  projectId: string | undefined;
  lastOccurredAt: string | undefined;
}

/** Commands of this process running on one stream; `overlapped` once two ran at the same time. */
interface StreamActivity {
  running: number;
  overlapped: boolean;
}

/** Folded states kept per stream (most recently used first out of the door). */
const STATE_CACHE_SIZE = 10_000;

/**
 * The one path every command takes, from the API, the importer or the seed generator:
 * validate → authorise → load → check business time → decide → append (optimistic concurrency) → result.
 *
 * The common case is one statement: the stream's folded state comes from a cache of what this process last read or
 * appended, and the command-id check is part of the append. A cached state is only a guess: another process may have
 * appended since. Then the append conflicts (or the decision fails on the old state), and the command is decided
 * once more on the stored stream, exactly as it would have been without the cache.
 */
export class CommandPipeline {
  private readonly states = new Map<string, StreamSnapshot>();
  private readonly active = new Map<string, StreamActivity>();
  /** Projects' time zones (from their ProjectRegistered event), for the month of a case number. */
  private readonly timeZones = new Map<string, string>();
  /** Projects seen registered (they are never removed), so a new case checks its project once per process. */
  private readonly registeredProjects = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock = systemClock,
    /** Time zone of a project that was never registered (the configured default). */
    private readonly defaultTimeZone = 'Asia/Shanghai',
  ) {}

  /** The command by name, if this role may send it: 404 for an unknown name (shown truncated), 403 for a role. */
  authorise(name: string, role: Role): DomainCommand {
    const command = findCommand(name);
    if (!command) throw new NotFoundError(`unknown command '${name.length > 64 ? `${name.slice(0, 64)}…` : name}'`);
    if (!command.roles.includes(role)) throw new ForbiddenError(`role '${role}' may not ${name} (allowed: ${command.roles.join(', ')})`);
    return command;
  }

  async execute(name: string, rawPayload: unknown, ctx: CommandContext): Promise<CommandResult> {
    const command = this.authorise(name, ctx.actor.role);
    assertSafeInput(rawPayload, 'payload');
    const parsed = command.schema.safeParse(rawPayload);
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const payload = parsed.data;
    if (command.creates && ctx.expectedVersion !== undefined && ctx.expectedVersion !== 0) {
      throw ValidationError.field('expectedVersion', 'new_case', `${name} starts a new case: the expected version is 0`);
    }
    const streamId = command.streamId(payload);

    const activity = this.enter(streamId);
    let result: AppendResult;
    try {
      result = await this.decideAndAppend(command, payload, streamId, ctx, activity);
    } catch (error) {
      // A command id already applied answers as a retry, whatever the stream says now (it has moved since) — but only
      // to a caller who may see the original; anyone else gets the error the command itself earned.
      if (!(error instanceof ServiceLedgerError)) throw error;
      const previous = await this.store.findByCommandId(ctx.commandId);
      if (previous.length === 0 || !inProjects(ctx.projectScope, previous[0].projectId)) throw error;
      result = { nextExpectedVersion: previous[previous.length - 1].streamVersion, events: previous, duplicate: true };
    } finally {
      this.leave(streamId, activity);
    }
    if (result.duplicate) return this.duplicate(command, payload, result.events, streamId, ctx);
    return { streamId, version: result.nextExpectedVersion, events: result.events, duplicate: false };
  }

  private async decideAndAppend(command: DomainCommand, payload: unknown, streamId: string, ctx: CommandContext, activity: StreamActivity): Promise<AppendResult> {
    const cached = command.creates ? undefined : this.cached(streamId, command);
    try {
      return await this.attempt(command, payload, streamId, ctx, cached ?? (await this.load(streamId, command)));
    } catch (error) {
      this.states.delete(streamId);
      // A conflict with a command of this process that ran at the same time is a real race: 409, as without the cache.
      const raced = error instanceof WrongExpectedVersionError && activity.overlapped;
      if (!cached || raced || !(error instanceof ServiceLedgerError)) throw error;
      return this.attempt(command, payload, streamId, ctx, await this.load(streamId, command));
    }
  }

  private async attempt(command: DomainCommand, payload: unknown, streamId: string, ctx: CommandContext, stream: StreamSnapshot): Promise<AppendResult> {
    // A new stream is not read: the append's 'no_stream' check refuses it if it exists. A case outside the caller's
    // projects answers exactly as one that does not exist. A policy scope's first change opens its stream.
    if (!command.creates && !command.opens && (stream.version === 0 || !inProjects(ctx.projectScope, stream.projectId))) throw caseNotFound(streamId);
    const projectId = command.creates || command.opens ? command.projectId!(payload) : stream.projectId!;
    this.checkScope(projectId, ctx);
    if (command.creates || (command.opens && projectId !== '*')) await this.checkRegistered(projectId, streamId);
    if (ctx.expectedVersion !== undefined && !command.creates && stream.version !== ctx.expectedVersion) {
      throw new WrongExpectedVersionError(streamId, ctx.expectedVersion, stream.version);
    }

    const occurredAt = this.checkOccurredAt(ctx.occurredAt, stream);
    const related = await this.related(command, payload, projectId);
    const policy = command.readsPolicy ? (await loadPolicyHistory(this.store, [projectId])).inForce(projectId, occurredAt) : undefined;
    const events = command.decide(payload, stream.state, { occurredAt, actor: ctx.actor, projectId, related, policy });
    const series = command.creates && NUMBERED_CATEGORIES.includes(streamCategory(streamId)) ? caseNumberSeries(projectId, occurredAt, await this.timeZoneOf(projectId)) : undefined;
    const result = await this.appendOrExplain(
      command,
      streamId,
      events.map((e, i) => ({
        ...(i === 0 && series ? { caseNumberSeries: series } : {}),
        type: e.type,
        schemaVersion: e.schemaVersion,
        // JSON has no undefined: the data as it will read back keeps stored data, hashes and the cached state alike.
        // Decisions usually produce plain JSON already, which is checked (no allocation) rather than copied.
        data: isJsonValue(e.data) ? e.data : jsonValue(e.data),
        metadata: {
          occurredAt: occurredAt.toISOString(),
          actor: ctx.actor,
          projectId,
          correlationId: ctx.correlationId,
          causationId: ctx.causationId,
          commandId: ctx.commandId,
        },
      })),
      command.creates || (command.opens && stream.version === 0) ? 'no_stream' : stream.version,
    );
    if (!result.duplicate) {
      // Appended events are in the current schema, so folding them here equals folding them as read back.
      const state = result.events.reduce(stream.aggregate.evolve, stream.state);
      this.remember(streamId, { ...stream, version: result.nextExpectedVersion, state, projectId, lastOccurredAt: result.events[result.events.length - 1].occurredAt });
    }
    return result;
  }

  private async timeZoneOf(projectId: string): Promise<string> {
    let zone = this.timeZones.get(projectId);
    if (!zone) {
      const [registered] = await this.store.readStream(`project-${projectId}`, { toVersion: 1 });
      zone = (registered?.data as { timeZone?: string } | undefined)?.timeZone ?? this.defaultTimeZone;
      if (registered) this.timeZones.set(projectId, zone);
    }
    return zone;
  }

  /** A new case whose id is taken is a rule, not a race: name it (e.g. 'project.already_exists' for RegisterProject). */
  private async appendOrExplain(command: DomainCommand, ...args: Parameters<EventStore['append']>): Promise<AppendResult> {
    try {
      return await this.store.append(...args);
    } catch (error) {
      if (command.creates && error instanceof WrongExpectedVersionError && error.actual > 0) {
        throw new DomainRuleViolation(`${streamCategory(args[0])}.already_exists`, `${args[0]} already exists`);
      }
      throw error;
    }
  }

  /** Cases start only in registered projects (RegisterProject itself creates the project's stream). */
  private async checkRegistered(projectId: string, streamId: string): Promise<void> {
    const projectStream = `${PROJECT_STREAM}-${projectId}`;
    if (streamId === projectStream || this.registeredProjects.has(projectId)) return;
    const [registered] = await this.store.readStream(projectStream, { toVersion: 1 });
    if (!registered) {
      throw ValidationError.field('payload.projectId', 'registered_project', `project '${projectId}' is not registered`);
    }
    this.timeZones.set(projectId, (registered.data as { timeZone?: string }).timeZone ?? this.defaultTimeZone);
    this.registeredProjects.add(projectId);
  }

  /**
   * The states of the other cases a command names (its `related` streams, e.g. the original order of a rework). A case
   * in another project than the command's own is passed as absent, exactly like an id that does not exist, so the
   * decider's answer ("does not exist") is the same whether the case is missing or not the caller's to name.
   */
  private async related(command: DomainCommand, payload: unknown, projectId: string): Promise<Record<string, unknown>> {
    const related: Record<string, unknown> = {};
    for (const id of command.related?.(payload) ?? []) {
      const events = await this.store.readStream(id);
      related[id] = events.length > 0 && events[0].projectId === projectId ? events.reduce(command.aggregate.evolve, command.aggregate.initialState()) : undefined;
    }
    return related;
  }

  /** The stream as stored (a new stream when `creates`, without reading it). */
  private async load(streamId: string, command: DomainCommand): Promise<StreamSnapshot> {
    const aggregate = command.aggregate as Aggregate<unknown>;
    const empty: StreamSnapshot = { aggregate, version: 0, state: aggregate.initialState(), projectId: undefined, lastOccurredAt: undefined };
    if (command.creates) return empty;
    const history = await this.store.readStream(streamId);
    if (history.length === 0) return empty;
    const snapshot: StreamSnapshot = {
      aggregate,
      version: history[history.length - 1].streamVersion,
      state: history.reduce(aggregate.evolve, aggregate.initialState()),
      projectId: history[0].projectId,
      lastOccurredAt: history[history.length - 1].occurredAt,
    };
    this.remember(streamId, snapshot);
    return snapshot;
  }

  private cached(streamId: string, command: DomainCommand): StreamSnapshot | undefined {
    const hit = this.states.get(streamId);
    if (!hit || hit.aggregate !== command.aggregate) return undefined;
    this.states.delete(streamId);
    this.states.set(streamId, hit);
    return hit;
  }

  private remember(streamId: string, snapshot: StreamSnapshot): void {
    // Two commands finishing out of order must not put the older state back.
    if ((this.states.get(streamId)?.version ?? -1) >= snapshot.version) return;
    this.states.delete(streamId);
    this.states.set(streamId, snapshot);
    if (this.states.size > STATE_CACHE_SIZE) this.states.delete(this.states.keys().next().value!);
  }

  private enter(streamId: string): StreamActivity {
    const running = this.active.get(streamId);
    if (running) {
      running.running += 1;
      running.overlapped = true;
      return running;
    }
    const activity = { running: 1, overlapped: false };
    this.active.set(streamId, activity);
    return activity;
  }

  private leave(streamId: string, activity: StreamActivity): void {
    activity.running -= 1;
    if (activity.running === 0) this.active.delete(streamId);
  }

  /**
   * A commandId seen before. Like an idempotency key of a payment API, it answers as a retry only for the same request:
   * the store keeps the command id on each event, and the request's fingerprint is what it decides. The new request is
   * decided once more on the stream as it stood before the original events (same business time, actor and project);
   * the same events mean the same request. Anything else — another command, stream, payload, actor or business time —
   * is a 409 naming the rule, and nothing is appended.
   */
  private async duplicate(command: DomainCommand, payload: unknown, previous: EventEnvelope[], streamId: string, ctx: CommandContext): Promise<CommandResult> {
    const reused = () => new DomainRuleViolation('command.id_reused', `commandId ${ctx.commandId} was already used for a different request; choose a new commandId`);
    const first = previous[0];
    if (!inProjects(ctx.projectScope, first.projectId) || first.streamId !== streamId) throw reused();
    if (!(await this.sameRequest(command, payload, previous, ctx))) throw reused();
    const last = previous[previous.length - 1];
    return { streamId, version: last.streamVersion, events: previous, duplicate: true };
  }

  private async sameRequest(command: DomainCommand, payload: unknown, previous: EventEnvelope[], ctx: CommandContext): Promise<boolean> {
    const first = previous[0];
    if (ctx.occurredAt !== undefined && Date.parse(ctx.occurredAt) !== Date.parse(first.occurredAt)) return false;
    if (ctx.actor.staffId !== first.actor.staffId || ctx.actor.role !== first.actor.role) return false;
    const before = first.streamVersion > 1 ? await this.store.readStream(first.streamId, { toVersion: first.streamVersion - 1 }) : [];
    const aggregate = command.aggregate as Aggregate<unknown>;
    try {
      const events = command.decide(payload, before.reduce(aggregate.evolve, aggregate.initialState()), {
        occurredAt: new Date(first.occurredAt),
        actor: ctx.actor,
        projectId: first.projectId,
        related: await this.related(command, payload, first.projectId),
      });
      const shape = (list: { type: string; schemaVersion: number; data: unknown }[]) => canonicalJson(list.map((e) => ({ type: e.type, schemaVersion: e.schemaVersion, data: jsonValue(e.data) })));
      return shape(events) === shape(previous);
    } catch {
      return false;
    }
  }

  private checkScope(projectId: string, ctx: CommandContext): void {
    if (ctx.projectScope !== '*' && !ctx.projectScope.includes(projectId)) {
      throw new ForbiddenError(`not allowed in project '${projectId}'`);
    }
  }

  private checkOccurredAt(value: string | undefined, stream: StreamSnapshot): Date {
    const now = this.clock.now();
    const last = stream.lastOccurredAt;
    if (value === undefined) {
      // Entered live: business time is now, but never before the case's last step (clock skew between servers).
      return last && Date.parse(last) > now.getTime() ? new Date(last) : now;
    }
    const at = new Date(value);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      throw ValidationError.field('occurredAt', 'invalid_datetime', 'must be an ISO-8601 date-time');
    }
    if (!instantInRange(value)) throw ValidationError.field('occurredAt', 'year_range', `must be between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`);
    if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      throw ValidationError.field('occurredAt', 'not_in_future', `must not be in the future (now is ${now.toISOString()})`);
    }
    if (last && at.getTime() < Date.parse(last)) {
      throw ValidationError.field(
        'occurredAt',
        'not_before_case_history',
        `must not be before the case's last recorded step (${last}${stream.version === 1 ? ', when the case began' : ''})`,
      );
    }
    return at;
  }
}
