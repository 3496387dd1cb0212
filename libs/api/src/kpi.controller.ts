import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics, kpiCases, parseMonth, runKpis, staffScorecard } from '@service-ledger/analytics';
import { inScope, type Principal } from '@service-ledger/auth';
import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { Freshness } from './freshness';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Validated KPI filters; a principal scoped to projects must name one of them. */
export function kpiFilters(q: Record<string, string | undefined>, principal: Principal) {
  if (!q.month) throw ValidationError.field('month', 'required', 'is required (YYYY-MM)');
  parseMonth(q.month);
  for (const field of ['project', 'department', 'staff'] as const) {
    if (q[field] !== undefined && !ID.test(q[field]!)) throw ValidationError.field(field, 'format', 'must be 1–64 letters, digits, - or _');
  }
  if (principal.projects !== '*') {
    if (!q.project) {
      if (principal.projects.length !== 1) throw ValidationError.field('project', 'required', 'is required for a token scoped to several projects');
      q = { ...q, project: principal.projects[0] };
    } else if (!inScope(principal, q.project)) throw new ForbiddenError(`not allowed in project '${q.project}'`);
  }
  return { month: q.month as string, project: q.project, department: q.department, staff: q.staff };
}

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('api')
@AllowRoles('supervisor', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor', 'receptionist')
export class KpiController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(Freshness) private readonly freshness: Freshness,
  ) {}

  @Get('kpis')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'staff', required: false })
  async kpis(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { filters, kpis: await runKpis(this.db, filters), projection: await this.freshness.of() };
  }

  /** Drill-down: the case ids behind a KPI's numerator and denominator. */
  @Get('kpis/:id/cases')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  async cases(@Param('id') id: string, @Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { kpi: id, filters, ...(await kpiCases(this.db, id, filters)), projection: await this.freshness.of() };
  }

  @Get('staff/scorecard')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  async scorecard(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { filters, staff: await staffScorecard(this.db, filters), projection: await this.freshness.of() };
  }
}
