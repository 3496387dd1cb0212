import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CommandContext, CommandResult, EventEnvelope } from '@service-ledger/core';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { CommandPipeline } from './command-pipeline';
import { type ProjectScope, requireCaseInScope } from './case-scope';
import { loadCase } from './load-case';

/**
 * The seams of the HTTP application (Nest's @nestjs/cqrs buses): controllers send commands on the CommandBus and ask
 * the QueryBus; every event a command appended is published on the EventBus for in-process subscribers (notifiers,
 * sagas). The CLI's import and the seed call the CommandPipeline directly: no Nest application runs there.
 */

/** A catalogue command (`ReceiveComplaint`, …) travelling on the CommandBus; the payload is validated by the pipeline. */
export class ExecuteCommand {
  constructor(
    readonly name: string,
    readonly payload: unknown,
    readonly context: CommandContext,
  ) {}
}

/**
 * One event a command of this process has just appended (committed), published on the EventBus. Subscribe with
 * `@EventsHandler(EventAppended)` and filter on `event.type`. Limits a subscriber must know:
 * - only events appended through this process's CommandBus: not the CLI's import, not another API process; a
 *   subscriber that must see every event follows the store's global log (like the projector) instead;
 * - delivery is in memory after the commit: a crash between the two loses the notification (never the event), and a
 *   retried command (duplicate) publishes nothing again;
 * - `event.data` is as stored, personal data in clear: anything that leaves the process masks it (`maskPersonalData`).
 */
export class EventAppended {
  constructor(readonly event: EventEnvelope) {}
}

/** Thin handler: the pipeline validates, authorises, loads, decides and appends; then the new events are published. */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand, CommandResult> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  async execute(command: ExecuteCommand): Promise<CommandResult> {
    const result = await this.pipeline.execute(command.name, command.payload, command.context);
    // A subscriber's failure goes to Nest's UnhandledExceptionBus; it never fails the command, which is stored.
    if (!result.duplicate) this.events.publishAll(result.events.map((e) => new EventAppended(e)));
    return result;
  }
}

/** The state of one case (any stream category) as of now or an instant, with its history up to then. */
export class GetCase {
  constructor(
    readonly streamId: string,
    readonly asOf?: Date,
    /** The caller's projects: a case outside them answers exactly as one that does not exist (case-scope.ts). */
    readonly scope: ProjectScope = '*',
  ) {}
}

export interface CaseView {
  state: unknown;
  events: EventEnvelope[];
  /** The case's project, also when `asOf` is before its first event (scope checks need it). */
  projectId: string;
}

@QueryHandler(GetCase)
export class GetCaseHandler implements IQueryHandler<GetCase, CaseView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(query: GetCase): Promise<CaseView> {
    await requireCaseInScope(this.store, query.streamId, query.scope);
    const { state, events } = await loadCase(this.store, query.streamId, query.asOf);
    const projectId = events[0]?.projectId ?? (await this.store.readStream(query.streamId, { toVersion: 1 }))[0]?.projectId;
    return { state, events, projectId };
  }
}
