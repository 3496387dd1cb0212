import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { inScope, type Principal } from '@service-ledger/auth';
import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { changeSummary, changeView, COMPANY_SCOPE, loadPolicyHistory, policyView } from '@service-ledger/policies';
import { REPORTS_TIME_ZONE } from './reports.tokens';
import { AllowRoles, CurrentPrincipal } from './auth.guard';

const PROJECT = /^[A-Za-z0-9_-]{1,32}$/;

/** The policy in force for a project at an instant, and the changes behind it (writes go through POST /api/commands ChangePolicy). */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('api/policies')
@AllowRoles('receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor')
export class PoliciesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REPORTS_TIME_ZONE) private readonly timeZone: string,
  ) {}

  @Get()
  @ApiQuery({ name: 'project', required: false, description: 'project id (a token scoped to one project defaults to it)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 instant (default now)' })
  async show(@Query('project') project: string | undefined, @Query('asOf') asOf: string | undefined, @CurrentPrincipal() principal: Principal) {
    if (project !== undefined && !PROJECT.test(project)) throw ValidationError.field('project', 'format', 'must be 1–32 letters, digits, - or _');
    if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(Date.parse(asOf)))) throw ValidationError.field('asOf', 'invalid_datetime', 'must be an ISO-8601 date-time');
    if (principal.projects !== '*') {
      if (!project && principal.projects.length === 1) project = principal.projects[0];
      if (!project) throw ValidationError.field('project', 'required', 'is required for a token scoped to several projects');
      if (!inScope(principal, project)) throw new ForbiddenError(`not allowed in project '${project}'`);
    }
    const history = await loadPolicyHistory(this.store, project ? [project] : [], this.timeZone);
    const at = asOf ? new Date(asOf) : new Date();
    return {
      ...policyView(history.inForce(project ?? '', at)),
      history: history.all().filter((c) => c.scope === COMPANY_SCOPE || c.scope === project).map((c) => ({ ...changeView(c), summary: changeSummary(c) })),
    };
  }
}
