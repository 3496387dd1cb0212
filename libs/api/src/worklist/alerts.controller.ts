import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import type { Principal } from '@service-ledger/auth';
import { newId, ValidationError } from '@service-ledger/core';
import { scopeProjects } from '@service-ledger/dashboards';
import { ExecuteCommand } from '@service-ledger/application';
import { listAlerts } from '@service-ledger/notifier';
import { AllowRoles, CurrentPrincipal } from '../auth.guard';
import { toResponse } from '../commands.controller';

const STATUSES = ['pending', 'delivered', 'dead', 'unrouted'];

/** Who was told what: alerts and their delivery, the dead-letter list, and an admin's retry. */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertsController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  @AllowRoles('auditor', 'gm_office', 'project_manager', 'supervisor', 'engineering_supervisor')
  @ApiQuery({ name: 'status', required: false, enum: STATUSES, description: 'dead = the dead-letter list' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'case', required: false, description: 'case stream id' })
  async list(@Query('status') status: string | undefined, @Query('project') project: string | undefined, @Query('case') caseStreamId: string | undefined, @CurrentPrincipal() principal: Principal) {
    if (status !== undefined && !STATUSES.includes(status)) throw ValidationError.field('status', 'one_of', `must be one of ${STATUSES.join(', ')}`);
    if (project !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(project)) throw ValidationError.field('project', 'format', 'must be 1–64 letters, digits, - or _');
    if (caseStreamId !== undefined && !/^[a-z]+-[A-Za-z0-9_-]{1,64}$/.test(caseStreamId)) throw ValidationError.field('case', 'format', 'must be a case stream id');
    return { alerts: await listAlerts(this.db, { status, caseStreamId, projects: scopeProjects(principal, project ?? '') }) };
  }

  /** Puts the alert's dead-lettered routes back in the notifier's queue (recorded as AlertRetryRequested). */
  @Post(':alertId/retry')
  @HttpCode(200)
  @AllowRoles()
  async retry(@Param('alertId') alertId: string, @Body() body: { reason?: unknown } | undefined, @CurrentPrincipal() principal: Principal) {
    const reason = typeof body?.reason === 'string' && body.reason.trim() ? body.reason : undefined;
    const result = await this.commands.execute(
      new ExecuteCommand('RetryAlertDelivery', { alertId, ...(reason ? { reason } : {}) }, {
        commandId: newId(),
        actor: { staffId: principal.staffId, role: principal.role },
        projectScope: principal.projects,
        correlationId: newId(),
        causationId: null,
      }),
    );
    return toResponse(result);
  }
}
