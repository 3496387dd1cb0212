import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { inScope, type Principal } from '@service-ledger/auth';
import { ForbiddenError, NotFoundError, ValidationError } from '@service-ledger/core';
import { DASHBOARDS, findPanel, toApiSql } from '../../../../dashboards/src';
import { AllowRoles, CurrentPrincipal, Public } from '../auth.guard';

/** The page's files live in the repository's dashboards/page (found from source or from dist/). */
function findPageDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'dashboards', 'page', 'index.html'))) return join(dir, 'dashboards', 'page');
  }
  throw new Error('dashboards/page not found');
}
const PAGE_DIR = findPageDir();
const ECHARTS = require.resolve('echarts/dist/echarts.min.js');
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RANGE_MS = 5 * 366 * 24 * 3600_000;

interface PanelQuery {
  from?: string;
  to?: string;
  project?: string;
  department?: string;
  staff?: string;
}

/** The built-in dashboard page and the data behind it: the same panel catalogue as Grafana, read with the user's token. */
@ApiTags('dashboards')
@Controller()
export class DashboardsController {
  constructor(@Inject(ANALYTICS) private readonly db: Analytics) {}

  @Public()
  @Get('dashboards')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return readFileSync(join(PAGE_DIR, 'index.html'), 'utf8');
  }

  @Public()
  @Get('dashboards/assets/:file')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'max-age=300')
  asset(@Param('file') file: string, @Res({ passthrough: true }) res: Response): string {
    if (file === 'echarts.min.js') return res.type('application/javascript') && readFileSync(ECHARTS, 'utf8');
    if (file === 'app.js') return res.type('application/javascript') && readFileSync(join(PAGE_DIR, file), 'utf8');
    if (file === 'style.css') return res.type('text/css') && readFileSync(join(PAGE_DIR, file), 'utf8');
    throw new NotFoundError(`no asset ${file}`);
  }

  @Get('api/dashboards')
  @ApiBearerAuth()
  @AllowRoles('receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor')
  async catalogue(@CurrentPrincipal() principal: Principal) {
    const projects = await this.db.query<{ project_id: string; name: string }>('SELECT project_id, name FROM {{projects}} FINAL ORDER BY project_id');
    const staff = await this.db.query<{ staff_id: string; name: string; department: string; project_ids: string[] }>('SELECT staff_id, name, department, project_ids FROM {{staff}} FINAL ORDER BY staff_id');
    const visible = projects.filter((p) => inScope(principal, p.project_id));
    return {
      principal: { staffId: principal.staffId, role: principal.role, projects: principal.projects },
      filters: {
        projects: visible,
        departments: [...new Set(staff.map((s) => s.department))].sort(),
        staff: staff.filter((s) => s.project_ids.some((p) => inScope(principal, p))).map((s) => ({ staffId: s.staff_id, name: s.name, department: s.department })),
      },
      dashboards: DASHBOARDS.map((d) => ({ ...d, panels: d.panels.map(({ sql: _sql, ...p }) => p) })),
    };
  }

  @Get('api/dashboards/:dashboard/panels/:panel/data')
  @ApiBearerAuth()
  @AllowRoles('receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor')
  async data(@Param('dashboard') dashboard: string, @Param('panel') panelId: string, @Query() q: PanelQuery, @CurrentPrincipal() principal: Principal) {
    const panel = findPanel(dashboard, panelId);
    if (!panel) throw new NotFoundError(`no panel ${dashboard}/${panelId}`);
    const params = await this.params(q, principal);
    const rows = await this.db.query<Record<string, unknown>>(toApiSql(panel.sql, (t) => this.db.table(t)), params);
    return { panel: panel.id, columns: panel.columns, rows };
  }

  /** Validates every filter, names the bad one, and binds them all as query parameters. */
  private async params(q: PanelQuery, principal: Principal): Promise<Record<string, unknown>> {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * 24 * 3600_000);
    if (q.from && (Number.isNaN(from.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(q.from))) throw ValidationError.field('from', 'invalid_datetime', 'must be an ISO-8601 date or date-time');
    if (q.to && (Number.isNaN(to.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(q.to))) throw ValidationError.field('to', 'invalid_datetime', 'must be an ISO-8601 date or date-time');
    if (to.getTime() <= from.getTime()) throw ValidationError.field('to', 'after_from', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw ValidationError.field('from', 'range_too_long', 'the time range may span at most five years');
    for (const field of ['project', 'department', 'staff'] as const) {
      const v = q[field];
      if (v !== undefined && v !== '' && !ID.test(v)) throw ValidationError.field(field, 'format', 'must be 1–64 letters, digits, - or _');
    }
    let project = q.project ?? '';
    if (principal.projects !== '*') {
      if (project === '') {
        if (principal.projects.length !== 1) throw ValidationError.field('project', 'required', 'choose one of your projects');
        project = principal.projects[0];
      } else if (!inScope(principal, project)) throw new ForbiddenError(`not allowed in project '${project}'`);
    }
    if (project && !(await this.exists('SELECT 1 FROM {{projects}} FINAL WHERE project_id = {v:String} LIMIT 1', project))) throw ValidationError.field('project', 'unknown', `unknown project '${project}'`);
    if (q.department && !(await this.exists('SELECT 1 FROM {{staff}} FINAL WHERE department = {v:String} LIMIT 1', q.department))) throw ValidationError.field('department', 'unknown', `unknown department '${q.department}'`);
    if (q.staff && !(await this.exists('SELECT 1 FROM {{staff}} FINAL WHERE staff_id = {v:String} LIMIT 1', q.staff))) throw ValidationError.field('staff', 'unknown', `unknown person '${q.staff}'`);
    const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
    return { from: ch(from), to: ch(to), project, department: q.department ?? '', staff: q.staff ?? '' };
  }

  private async exists(sql: string, v: string): Promise<boolean> {
    return (await this.db.query(sql, { v })).length > 0;
  }
}
