import { Controller, Get, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics, breachReport, complaintAnalytics, maskFreeText, satisfactionByPerson } from '@service-ledger/analytics';
import type { Principal } from '@service-ledger/auth';
import { ValidationError } from '@service-ledger/core';
import { tableCsv, visitsTable } from '@service-ledger/exports';
import type { Response } from 'express';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { kpiFilters } from './kpi.controller';
import { REPORTS_TIME_ZONE } from './reports.tokens';

/**
 * The monthly reports beside the KPIs: breaches (超时分析), satisfaction per person with its visits, complaint
 * analytics. Scoped like every KPI read: a token scoped to projects sees only those.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
@AllowRoles('supervisor', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor')
export class ReportsController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(REPORTS_TIME_ZONE) private readonly timeZone: string,
  ) {}

  @Get('breaches')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'staff', required: false })
  async breaches(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const filters = { ...kpiFilters(q, principal), timeZone: this.timeZone };
    return { filters, ...(await breachReport(this.db, filters)) };
  }

  /** Satisfaction per person; `format=csv` gives the visit-level list (remarks masked) for the filters. */
  @Get('satisfaction')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'staff', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async satisfaction(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: Response) {
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw ValidationError.field('format', 'enum', "must be 'json' or 'csv'");
    const filters = { ...kpiFilters(q, principal), timeZone: this.timeZone };
    const report = await satisfactionByPerson(this.db, filters);
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="visits-${filters.month}${filters.project ? `-${filters.project}` : ''}${filters.staff ? `-${filters.staff}` : ''}.csv"`);
      return new StreamableFile(tableCsv(visitsTable(report.visits, () => this.timeZone)));
    }
    return { filters, people: report.people, visits: report.visits.map((v) => ({ ...v, remarks: maskFreeText(v.remarks) })) };
  }

  @Get('complaints')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'top', required: false, description: 'buildings/units per project (1–100, default 10)' })
  async complaints(@Query() q: Record<string, string>, @CurrentPrincipal() principal: Principal) {
    const top = q.top === undefined ? 10 : Number(q.top);
    if (!Number.isInteger(top) || top < 1 || top > 100) throw ValidationError.field('top', 'range', 'must be a whole number from 1 to 100');
    const filters = { ...kpiFilters(q, principal), timeZone: this.timeZone };
    return { filters, ...(await complaintAnalytics(this.db, filters, { top })) };
  }
}
