import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, CommandContext, CommandResult } from '@service-ledger/core';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { CommandPipeline } from './command-pipeline';

export const CLOCK = Symbol('CLOCK');

/** A catalogue command travelling on Nest's CommandBus. */
export class ExecuteCommand {
  constructor(
    readonly name: string,
    readonly payload: unknown,
    readonly context: CommandContext,
  ) {}
}

/** Thin handler: the pipeline loads, decides and appends. */
@CommandHandler(ExecuteCommand)
export class ExecuteCommandHandler implements ICommandHandler<ExecuteCommand, CommandResult> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}
  execute(command: ExecuteCommand): Promise<CommandResult> {
    return this.pipeline.execute(command.name, command.payload, command.context);
  }
}

@Module({})
export class DomainModule {
  /** Expects EVENT_STORE (and optionally CLOCK) to be provided by an imported global module. */
  static register(): DynamicModule {
    return {
      module: DomainModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        {
          provide: CommandPipeline,
          useFactory: (store: EventStore, clock?: Clock) => new CommandPipeline(store, clock),
          inject: [EVENT_STORE, { token: CLOCK, optional: true }],
        },
        ExecuteCommandHandler,
      ],
      exports: [CommandPipeline, CqrsModule],
    };
  }
}
