import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Health } from '@service-ledger/telemetry';
import type { Response } from 'express';
import { Public } from './auth.guard';
import { HealthReportDto } from './openapi-schemas';

/**
 * Liveness and dependencies in one answer: 200 `ok` or `degraded` (serving, but something an operator must look at),
 * 503 `down`; each check names its dependency (eventStore, analytics, projector…) and why.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(Health) private readonly health: Health) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: HealthReportDto, description: 'ok or degraded' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'down: a dependency the process cannot work without' })
  async check(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  }
}
