import type { ZodError } from 'zod';
import {
  type Clock,
  type CommandContext,
  type CommandResult,
  type DomainCommand,
  DomainRuleViolation,
  type EventEnvelope,
  ForbiddenError,
  NotFoundError,
  systemClock,
  ValidationError,
  WrongExpectedVersionError,
} from '@service-ledger/core';
import type { EventStore } from '@service-ledger/event-store';
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

/**
 * The one path every command takes, from the API, the importer or the seed generator:
 * validate → authorise → load → check business time → decide → append (optimistic concurrency) → result.
 */
export class CommandPipeline {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async execute(name: string, rawPayload: unknown, ctx: CommandContext): Promise<CommandResult> {
    const command = findCommand(name);
    if (!command) throw ValidationError.field('command', 'unknown_command', `unknown command '${name}'`);
    const parsed = command.schema.safeParse(rawPayload);
    if (!parsed.success) throw zodToValidationError(parsed.error);
    const payload = parsed.data;
    if (!command.roles.includes(ctx.actor.role)) {
      throw new ForbiddenError(`role '${ctx.actor.role}' may not ${name} (allowed: ${command.roles.join(', ')})`);
    }
    const streamId = command.streamId(payload);

    const previous = await this.store.findByCommandId(ctx.commandId);
    if (previous.length > 0) return this.duplicate(previous, streamId, ctx.commandId);

    const history = await this.store.readStream(streamId);
    if (command.creates && history.length > 0) {
      throw new WrongExpectedVersionError(streamId, 'no_stream', history.length);
    }
    if (!command.creates && history.length === 0) throw new NotFoundError(`${streamId} does not exist`);
    const projectId = command.creates ? command.projectId!(payload) : history[0].projectId;
    this.checkScope(projectId, ctx);

    const occurredAt = this.checkOccurredAt(ctx.occurredAt, history);
    const state = history.reduce(command.aggregate.evolve, command.aggregate.initialState());
    const related: Record<string, unknown> = {};
    for (const id of command.related?.(payload) ?? []) {
      related[id] = await this.fold(id, command);
    }
    const events = command.decide(payload, state, { occurredAt, actor: ctx.actor, projectId, related });
    try {
      const result = await this.store.append(
        streamId,
        events.map((e) => ({
          type: e.type,
          schemaVersion: e.schemaVersion,
          data: stripUndefined(e.data),
          metadata: {
            occurredAt: occurredAt.toISOString(),
            actor: ctx.actor,
            projectId,
            correlationId: ctx.correlationId,
            causationId: ctx.causationId,
            commandId: ctx.commandId,
          },
        })),
        command.creates ? 'no_stream' : history.length,
      );
      return { streamId, version: result.nextExpectedVersion, events: result.events, duplicate: false };
    } catch (error) {
      // A retry racing its own first attempt loses the version check: answer it as a retry.
      if (error instanceof WrongExpectedVersionError) {
        const raced = await this.store.findByCommandId(ctx.commandId);
        if (raced.length > 0) return this.duplicate(raced, streamId, ctx.commandId);
      }
      throw error;
    }
  }

  private async fold(streamId: string, command: DomainCommand): Promise<unknown> {
    const events = await this.store.readStream(streamId);
    return events.reduce(command.aggregate.evolve, command.aggregate.initialState());
  }

  private duplicate(previous: EventEnvelope[], streamId: string, commandId: string): CommandResult {
    if (previous[0].streamId !== streamId) {
      throw new DomainRuleViolation('command.id_reused', `commandId ${commandId} was already used for ${previous[0].streamId}`);
    }
    const last = previous[previous.length - 1];
    return { streamId, version: last.streamVersion, events: previous, duplicate: true };
  }

  private checkScope(projectId: string, ctx: CommandContext): void {
    if (ctx.projectScope !== '*' && !ctx.projectScope.includes(projectId)) {
      throw new ForbiddenError(`not allowed in project '${projectId}'`);
    }
  }

  private checkOccurredAt(value: string | undefined, history: EventEnvelope[]): Date {
    const now = this.clock.now();
    if (value === undefined) {
      const last = history[history.length - 1];
      // Entered live: business time is now, but never before the case's last step (clock skew between servers).
      return last && Date.parse(last.occurredAt) > now.getTime() ? new Date(last.occurredAt) : now;
    }
    const at = new Date(value);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      throw ValidationError.field('occurredAt', 'invalid_datetime', 'must be an ISO-8601 date-time');
    }
    if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) {
      throw ValidationError.field('occurredAt', 'not_in_future', `must not be in the future (now is ${now.toISOString()})`);
    }
    const last = history[history.length - 1];
    if (last && at.getTime() < Date.parse(last.occurredAt)) {
      throw ValidationError.field(
        'occurredAt',
        'not_before_case_history',
        `must not be before the case's last recorded step (${last.occurredAt}${history.length === 1 ? ', when the case began' : ''})`,
      );
    }
    return at;
  }
}

/** JSON has no undefined; dropping it keeps stored data and hashes canonical. */
function stripUndefined<T>(data: T): T {
  return JSON.parse(JSON.stringify(data)) as T;
}
