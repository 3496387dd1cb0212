import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics, kpiCases, parseMonth, runKpis, staffScorecard, whatIf } from '@service-ledger/analytics';
import { EVENT_STORE, type EventStore } from '@service-ledger/event-store';
import { REPORTS_TIME_ZONE } from './reports.tokens';
import { inScope, type Principal } from '@service-ledger/auth';
import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { AccessLog } from './access-log';
import { Freshness } from './freshness';
import { AnalyticsGate } from './analytics-gate';

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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REPORTS_TIME_ZONE) private readonly timeZone: string,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Inject(Freshness) private readonly freshness: Freshness,
    @Inject(AnalyticsGate) private readonly gate: AnalyticsGate,
  ) {}

  @Get('kpis')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'staff', required: false })
  async kpis(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { filters, kpis: await this.gate.run(() => runKpis(this.db, { ...filters, timeZone: this.timeZone })), projection: await this.freshness.of() };
  }

  /** Drill-down: the case ids behind a KPI's numerator and denominator. */
  @Get('kpis/:id/cases')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  async cases(@Param('id') id: string, @Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { kpi: id, filters, ...(await this.gate.run(() => kpiCases(this.db, id, { ...filters, timeZone: this.timeZone }))), projection: await this.freshness.of() };
  }

  @Get('staff/scorecard')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  async scorecard(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = kpiFilters(q, principal);
    return { filters, staff: await staffScorecard(this.db, { ...filters, timeZone: this.timeZone }), projection: await this.freshness.of() };
  }

  /**
   * What-if: every KPI of a month as it is and under a proposed policy (body: { month, policy, project? }), evaluated in
   * a scratch database. Policy makers only (GM office); a project manager for their own projects.
   */
  @Post('kpis/whatif')
  @HttpCode(200)
  @AllowRoles('gm_office', 'project_manager')
  async whatIf(@Body() body: Record<string, unknown> | undefined, @CurrentPrincipal() principal: Principal) {
    const b = body ?? {};
    if (typeof b.month !== 'string') throw ValidationError.field('month', 'required', 'is required (YYYY-MM)');
    if (b.project !== undefined && typeof b.project !== 'string') throw ValidationError.field('project', 'type', 'must be a project id');
    const filters = kpiFilters({ month: b.month, project: b.project as string | undefined }, principal);
    if (principal.projects !== '*' && !b.project) throw ValidationError.field('project', 'required', 'is required for a token scoped to projects (a company-wide proposal needs the GM office)');
    const result = await whatIf(this.store, this.db, { month: filters.month, project: filters.project, policy: b.policy, timeZone: this.timeZone });
    await this.accessLog.record(principal, 'kpi_whatif', { month: filters.month, project: filters.project ?? '*' });
    // A scoped caller sees only their project's figures, not the company's.
    return principal.projects === '*' ? result : { ...result, company: undefined };
  }
}
