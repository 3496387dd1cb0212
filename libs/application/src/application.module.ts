import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Clock } from '@service-ledger/core';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { ExecuteCommandHandler, GetCaseHandler } from './bus';
import { CommandPipeline } from './command-pipeline';

export const CLOCK = Symbol('CLOCK');

@Module({})
export class ApplicationModule {
  /**
   * The command pipeline behind Nest's buses (see bus.ts). Expects EVENT_STORE (and optionally CLOCK) from an imported
   * global module; exports CqrsModule so that feature modules can subscribe to EventAppended.
   */
  static register(): DynamicModule {
    return {
      module: ApplicationModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        {
          provide: CommandPipeline,
          useFactory: (store: EventStore, clock?: Clock) => new CommandPipeline(store, clock),
          inject: [EVENT_STORE, { token: CLOCK, optional: true }],
        },
        ExecuteCommandHandler,
        GetCaseHandler,
      ],
      // The pipeline too: the commands controller authorises a command (role) before it reads the body.
      exports: [CqrsModule, CommandPipeline],
    };
  }
}
