import { type DynamicModule, Inject, Logger, Module } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { EventAppended } from '@service-ledger/application';
import type { Notifier } from '@service-ledger/notifier';

const NOTIFIER = Symbol('NOTIFIER');

/** The EventBus side of the notifier: a complaint classified major through this API is escalated at once. */
@EventsHandler(EventAppended)
export class MajorComplaintEscalation implements IEventHandler<EventAppended> {
  private readonly logger = new Logger('notifier');
  constructor(@Inject(NOTIFIER) private readonly notifier: Notifier) {}

  handle({ event }: EventAppended): void {
    if (event.type !== 'ComplaintClassified') return;
    // The command is already stored; a failed delivery is retried by the notifier's next look.
    this.notifier.majorComplaintClassified(event).catch((error) => this.logger.error(`major complaint alert: ${(error as Error).message}`));
  }
}

@Module({})
export class AlertEventsModule {
  static register(notifier: Notifier): DynamicModule {
    return { module: AlertEventsModule, providers: [{ provide: NOTIFIER, useValue: notifier }, MajorComplaintEscalation] };
  }
}
