import { Controller, Get, Inject, Optional, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics, listCases, parseCaseListQuery } from '@service-ledger/analytics';
import type { Principal } from '@service-ledger/auth';
import { type Clock, systemClock } from '@service-ledger/core';
import { scopeProjects } from '@service-ledger/dashboards';
import { CLOCK } from '@service-ledger/application';
import { CurrentPrincipal } from '../auth.guard';
import { WORKLIST_TIME_ZONE } from './worklist.tokens';

/**
 * 待办 / Worklist and case search: every case the token's projects hold, at-risk first. Served from the analytics
 * tables (no personal data there), with how current they are in `freshness`.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseListController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(WORKLIST_TIME_ZONE) private readonly timeZone: string,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  @Get()
  @ApiQuery({ name: 'project', required: false, example: 'P01' })
  @ApiQuery({ name: 'type', required: false, enum: ['complaint', 'repair', 'help_request', 'courtesy_visit'] })
  @ApiQuery({ name: 'status', required: false, example: 'dispatched' })
  @ApiQuery({ name: 'clockState', required: false, enum: ['at_risk', 'breached', 'running', 'paused', 'none'] })
  @ApiQuery({ name: 'responsible', required: false, description: 'staff id of the handler, technician or first responder' })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'building', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'opened from (YYYY-MM-DD or ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'opened before (YYYY-MM-DD inclusive, or ISO-8601)' })
  @ApiQuery({ name: 'q', required: false, description: 'case number (or its start), case id, building, topic or content label' })
  @ApiQuery({ name: 'sort', required: false, enum: ['deadline', 'age'] })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const parsed = parseCaseListQuery(query, this.timeZone);
    const projects = scopeProjects(principal, parsed.project);
    return listCases(this.db, parsed, projects, this.clock.now());
  }
}
