import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { Public } from './auth.guard';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Public()
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const probe = this.indicator.check('eventStore');
        try {
          await this.store.ping();
          return probe.up({ kind: this.store.kind });
        } catch (e) {
          return probe.down({ kind: this.store.kind, message: (e as Error).message });
        }
      },
    ]);
  }
}
