import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ANALYTICS, type Analytics } from '@service-ledger/analytics';
import { inScope, type Principal } from '@service-ledger/auth';
import { NotFoundError, ValidationError } from '@service-ledger/core';
import { COLUMN_LABELS, DASHBOARDS, filtersOf, findDashboard, findPanel, type Panel, panelParams, parseFilters, scopeProjects, toApiSql, VALUE_LABELS } from '@service-ledger/dashboards';
import { AllowRoles, CurrentPrincipal, Public } from '../auth.guard';
import { DASHBOARDS_CACHE_ENTRIES, DASHBOARDS_TIME_ZONE } from './dashboards.tokens';
import { Freshness, type ProjectionFreshness } from '../freshness';
import { AnalyticsGate } from '../analytics-gate';
import { Metrics } from '../metrics';
import { PanelResults, readsTheClock } from './panel-results';

/** The page's files live in the repository's dashboards/page (found from source or from dist/). */
function findPageDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'dashboards', 'page', 'index.html'))) return join(dir, 'dashboards', 'page');
  }
  throw new Error('dashboards/page not found');
}
const PAGE_DIR = findPageDir();
const ASSETS: Record<string, [string, string]> = {
  'echarts.min.js': [require.resolve('echarts/dist/echarts.min.js'), 'application/javascript'],
  'app.js': [join(PAGE_DIR, 'app.js'), 'application/javascript'],
  'style.css': [join(PAGE_DIR, 'style.css'), 'text/css'],
};
/** Panels whose SQL reads the clock: their answers are shared while running, never kept. */
const CLOCK_PANELS = new Set(DASHBOARDS.flatMap((d) => d.panels.filter((p) => readsTheClock(p.sql)).map((p) => `${d.id}/${p.id}`)));

/**
 * A panel's answer as the JSON text sent: `{dashboard, panel, filters, columns, rows, projection}`, the rows as chDB
 * wrote them (Analytics.queryRowsJson). Parsing them into objects (and, embedded, cloning those across the threads)
 * only to write them out again cost the API thread more than the route's own work on a large panel.
 */
type PanelAnswer = string;

function panelAnswer(head: { dashboard: string; panel: string; filters: { from: string; to: string; projects: string[]; department: string; staff: string }; columns: string[] }, rows: string, projection: ProjectionFreshness): PanelAnswer {
  return `${JSON.stringify(head).slice(0, -1)},"rows":${rows},"projection":${JSON.stringify(projection)}}`;
}

const READERS = ['receptionist', 'supervisor', 'technician', 'engineering_supervisor', 'project_manager', 'gm_office', 'hr', 'auditor'] as const;

/** The built-in dashboard page and the data behind it: the same panel catalogue as Grafana, read with the user's token. */
@ApiTags('dashboards')
@Controller()
export class DashboardsController {
  constructor(
    @Inject(ANALYTICS) private readonly db: Analytics,
    @Inject(DASHBOARDS_TIME_ZONE) private readonly timeZone: string,
    @Inject(Freshness) private readonly freshness: Freshness,
    @Inject(AnalyticsGate) private readonly gate: AnalyticsGate,
    @Inject(DASHBOARDS_CACHE_ENTRIES) cacheEntries: number,
    @Inject(Metrics) metrics: Metrics,
  ) {
    this.answers = new PanelResults<PanelAnswer>(cacheEntries, metrics);
  }

  private readonly answers: PanelResults<PanelAnswer>;

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
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!asset) throw new NotFoundError(`no asset ${file}`);
    res.type(asset[1]);
    return readFileSync(asset[0], 'utf8');
  }

  /** The catalogue (without SQL), display labels, and the filter values this user may pick. */
  @Get('api/dashboards')
  @ApiBearerAuth()
  @AllowRoles(...READERS)
  async catalogue(@CurrentPrincipal() principal: Principal) {
    const [projects, staff] = await this.gate.run(async () => [
      await this.db.query<{ project_id: string; name: string }>('SELECT project_id, name FROM {{projects}} FINAL ORDER BY project_id'),
      await this.db.query<{ staff_id: string; name: string; department: string; project_ids: string[] }>('SELECT staff_id, name, department, project_ids FROM {{staff}} FINAL ORDER BY staff_id'),
    ] as const);
    const visibleStaff = staff.filter((s) => s.project_ids.some((p) => inScope(principal, p)));
    return {
      principal: { staffId: principal.staffId, role: principal.role, projects: principal.projects },
      timeZone: this.timeZone,
      filters: {
        projects: projects.filter((p) => inScope(principal, p.project_id)),
        departments: [...new Set(visibleStaff.map((s) => s.department))].filter(Boolean).sort(),
        staff: visibleStaff.map((s) => ({ staffId: s.staff_id, name: s.name, department: s.department })),
      },
      labels: { values: VALUE_LABELS, columns: COLUMN_LABELS },
      dashboards: DASHBOARDS.map((d) => ({ ...d, panels: d.panels.map(({ sql, ...p }) => ({ ...p, ...filtersOf(sql) })) })),
    };
  }

  @Get('api/dashboards/:dashboard/panels/:panel/data')
  @ApiBearerAuth()
  @AllowRoles(...READERS)
  @ApiParam({ name: 'dashboard', example: 'sla' })
  @ApiParam({ name: 'panel', example: 'on_time_by_clock' })
  @ApiQuery({ name: 'from', required: false, example: '2026-01' })
  @ApiQuery({ name: 'to', required: false, example: '2026-06' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'department', required: false })
  @ApiQuery({ name: 'staff', required: false })
  @Header('Content-Type', 'application/json; charset=utf-8')
  async data(@Param('dashboard') dashboardId: string, @Param('panel') panelId: string, @Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    if (!findDashboard(dashboardId)) throw new NotFoundError(`no dashboard '${dashboardId.slice(0, 64)}'`);
    const panel = findPanel(dashboardId, panelId);
    if (!panel) throw new NotFoundError(`no panel '${panelId.slice(0, 64)}' on dashboard '${dashboardId}'`);
    const now = new Date();
    const filters = parseFilters(query, now, this.timeZone);
    const projects = scopeProjects(principal, filters.project);
    // The position first: an answer kept under it may hold a little more than it (events projected while the query
    // ran), never less, and the next position makes it unreachable.
    const projection = await this.freshness.of();
    const keep = filters.to.getTime() <= now.getTime() && !CLOCK_PANELS.has(`${dashboardId}/${panel.id}`);
    const scope = principal.projects === '*' ? '*' : [...principal.projects].sort();
    const key = JSON.stringify([dashboardId, panel.id, filters.from.toISOString(), filters.to.toISOString(), filters.project, filters.department, filters.staff, [...projects].sort(), scope, projection.position]);
    return this.answers.get(key, keep, () =>
      this.gate.run(async () => {
        // Only a named project, department or person needs a lookup; without one there is nothing to wait for.
        if (filters.project || filters.department || filters.staff) await this.assertKnown(filters);
        const [sql, params] = [this.sqlOf(panel), panelParams(filters, projects, this.timeZone)];
        const rows = this.db.queryRowsJson ? await this.db.queryRowsJson(sql, params) : JSON.stringify(await this.db.query(sql, params));
        const head = { dashboard: dashboardId, panel: panel.id, filters: { from: filters.from.toISOString(), to: filters.to.toISOString(), projects, department: filters.department, staff: filters.staff }, columns: panel.columns };
        return panelAnswer(head, rows, projection);
      }),
    );
  }

  /**
   * A panel's SQL as sent, rendered once: the macros' dozen regular-expression passes over the text were the same for
   * every request (the filters travel as bound parameters, never in the text).
   */
  private sqlOf(panel: Panel): string {
    let sql = this.compiled.get(panel);
    if (sql === undefined) this.compiled.set(panel, (sql = toApiSql(panel.sql, (t) => this.db.table(t))));
    return sql;
  }

  private readonly compiled = new Map<Panel, string>();

  /** A value nobody has is a typo, not an empty chart: say which filter is wrong. */
  private async assertKnown(f: { project: string; department: string; staff: string }): Promise<void> {
    const checks: [keyof typeof f, string, string][] = [
      ['project', 'SELECT 1 FROM {{projects}} FINAL WHERE project_id = {v:String} LIMIT 1', 'project'],
      ['department', 'SELECT 1 FROM {{staff}} FINAL WHERE department = {v:String} LIMIT 1', 'department'],
      ['staff', 'SELECT 1 FROM {{staff}} FINAL WHERE staff_id = {v:String} LIMIT 1', 'person'],
    ];
    for (const [field, sql, noun] of checks) {
      if (f[field] && (await this.db.query(sql, { v: f[field] })).length === 0) throw ValidationError.field(field, 'unknown', `unknown ${noun} '${f[field]}'`);
    }
  }
}
