import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { inScope, type Principal } from '@service-ledger/auth';
import { ForbiddenError, ValidationError } from '@service-ledger/core';
import { CSV_SHEETS, figuresOf, startKpiExport, toCsvFiles, toWorkbook } from '@service-ledger/exports';
import type { Response } from 'express';
import { AllowRoles, CurrentPrincipal } from './auth.guard';
import { AccessLog } from './access-log';
import { REPORTS_TIME_ZONE } from './reports.tokens';

const SHEETS = CSV_SHEETS;

/** Monthly KPI exports for HR and the general manager's office (and project managers for their projects). */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/exports')
@AllowRoles('hr', 'gm_office', 'project_manager')
export class ExportsController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Inject(REPORTS_TIME_ZONE) private readonly timeZone: string,
  ) {}

  @Get('kpi')
  @ApiQuery({ name: 'month', example: '2026-03' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['xlsx', 'csv'] })
  @ApiQuery({ name: 'sheet', required: false, enum: SHEETS, description: 'csv only: which sheet' })
  async kpi(@Query() q: Record<string, string | undefined>, @CurrentPrincipal() principal: Principal, @Res() res: Response) {
    if (!q.month) throw ValidationError.field('month', 'required', 'is required (YYYY-MM)');
    const format = q.format ?? 'xlsx';
    if (format !== 'xlsx' && format !== 'csv') throw ValidationError.field('format', 'enum', "must be 'xlsx' or 'csv'");
    const sheet = q.sheet ?? 'summary';
    if (!(SHEETS as readonly string[]).includes(sheet)) throw ValidationError.field('sheet', 'enum', `must be one of ${SHEETS.join(', ')}`);
    let project = q.project;
    if (principal.projects !== '*') {
      if (!project && principal.projects.length === 1) project = principal.projects[0];
      if (!project || !inScope(principal, project)) throw new ForbiddenError(project ? `not allowed in project '${project}'` : 'choose one of your projects');
    }
    const figures = await startKpiExport(this.db, { month: q.month, project, timeZone: this.timeZone });
    // The workbook is written while the later figures arrive. The access is recorded once every figure is in (a failed
    // query fails the request unrecorded, as before), and nothing is sent before.
    const workbook = format === 'xlsx' ? toWorkbook(figures) : null;
    workbook?.catch(() => undefined); // awaited below, unless a figure or the access log fails first
    const data = await figuresOf(figures);
    await this.accessLog.record(principal, 'kpi_export', { month: q.month, project: project ?? '*', format, sourcePosition: data.sourcePosition });
    const name = `kpi-${q.month}${project ? `-${project}` : ''}`;
    if (workbook) {
      const file = await workbook;
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
      res.send(file);
      return;
    }
    // One table per CSV, a project column where it covers several projects.
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}-${sheet}.csv"`);
    res.send(toCsvFiles(data).find((f) => f.name === sheet)!.content);
  }
}
