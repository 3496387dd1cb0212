import { ValidationError } from '@service-ledger/core';
import type { Analytics } from '../client';
import { renderKpi, renderKpisByProject } from './builder';
import { KPIS, type KpiDefinition } from './definitions';

export interface KpiFilters {
  /** 'YYYY-MM'. */
  month: string;
  project?: string;
  department?: string;
  staff?: string;
  timeZone?: string;
}

export interface KpiValue {
  id: string;
  zh: string;
  en: string;
  group: KpiDefinition['group'];
  kind: KpiDefinition['kind'];
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator for rates (null when the denominator is 0). */
  rate: number | null;
}

export function parseMonth(month: string): number {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw ValidationError.field('month', 'format', 'must be YYYY-MM, e.g. 2026-03');
  return Number(m[1]) * 100 + Number(m[2]);
}

export function kpiParams(f: KpiFilters): Record<string, unknown> {
  return { month: parseMonth(f.month), project: f.project ?? '', department: f.department ?? '', staff: f.staff ?? '', tz: f.timeZone ?? 'Asia/Shanghai' };
}

export async function runKpi(db: Analytics, kpi: KpiDefinition, filters: KpiFilters): Promise<KpiValue> {
  const [row] = await db.query<Figures>(kpi.sql, kpiParams(filters));
  return kpiValue(kpi, row);
}

type Figures = { numerator: string | number; denominator: string | number };

/** A KPI's figures from its (numerator, denominator) row; no row counts as nothing in the month. */
function kpiValue(kpi: KpiDefinition, row: Figures | undefined): KpiValue {
  const numerator = Number(row?.numerator ?? 0);
  const denominator = Number(row?.denominator ?? 0);
  return { id: kpi.id, zh: kpi.zh, en: kpi.en, group: kpi.group, kind: kpi.kind, numerator, denominator, rate: kpi.kind === 'rate' ? (denominator ? numerator / denominator : null) : null };
}

/** Every KPI for one month and filter set. */
export async function runKpis(db: Analytics, filters: KpiFilters): Promise<KpiValue[]> {
  const out: KpiValue[] = [];
  for (const kpi of KPIS) out.push(await runKpi(db, kpi, filters));
  return out;
}

/**
 * A KPI grouped by project, plus the row of all the projects it filters (`company` = 1): rendered from the same
 * definition as the KPI run, so each row equals the KPI run with that project as filter.
 */
export function groupedKpiSql(kpi: KpiDefinition): string {
  return renderKpi(kpi.id, kpi.query, { kind: 'by project' });
}

export interface KpisByProject {
  /** The KPIs over all projects the filters select (the company when no project is given). */
  company: KpiValue[];
  /** The KPIs of one project (all zero when it had nothing in the month). */
  project(projectId: string): KpiValue[];
}

/**
 * The KPIs grouped by the scan they can share: the same table, filters and month column (a panel's trends do the
 * same). A KPI with a window of its own, or no single month column, is read alone.
 */
export function kpiScans(kpis: KpiDefinition[] = KPIS): KpiDefinition[][] {
  const scans = new Map<string, KpiDefinition[]>();
  kpis.forEach((kpi, i) => {
    const windowed = !kpi.query.month || 'window' in kpi.query.numerator || 'window' in kpi.query.denominator;
    const key = windowed ? `alone ${i}` : JSON.stringify([kpi.query.source, kpi.query.filters, kpi.query.month]);
    scans.set(key, [...(scans.get(key) ?? []), kpi]);
  });
  return [...scans.values()];
}

/**
 * Every KPI for one month, for every project and for all of them together, in one grouped query per shared scan
 * instead of one run per project: the same figures as `runKpis` with each project as filter, and as `runKpis`
 * without one. Sharing scans turns ~20 reads of the case table into a few.
 */
export async function runKpisByProject(db: Analytics, filters: KpiFilters): Promise<KpisByProject> {
  const params = kpiParams(filters);
  const company = new Map<string, Figures>();
  const perProject = new Map<string, Map<string, Figures>>();
  const keep = (kpi: KpiDefinition, r: Figures & { project_id: string; company: number | string }) => {
    if (Number(r.company)) company.set(kpi.id, r);
    else perProject.set(r.project_id, (perProject.get(r.project_id) ?? new Map()).set(kpi.id, r));
  };
  for (const scan of kpiScans()) {
    if (scan.length === 1) {
      for (const r of await db.query<Figures & { project_id: string; company: number }>(groupedKpiSql(scan[0]), params)) keep(scan[0], r);
      continue;
    }
    for (const r of await db.query<Record<string, string | number>>(renderKpisByProject(scan), params)) {
      scan.forEach((kpi, i) => keep(kpi, { project_id: String(r.project_id), company: r.company, numerator: r[`numerator_${i}`], denominator: r[`denominator_${i}`] }));
    }
  }
  return {
    company: KPIS.map((kpi) => kpiValue(kpi, company.get(kpi.id))),
    project: (projectId) => KPIS.map((kpi) => kpiValue(kpi, perProject.get(projectId)?.get(kpi.id))),
  };
}
