import { ValidationError } from '@service-ledger/core';
import type { Analytics } from '../client';
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
  const [row] = await db.query<{ numerator: string | number; denominator: string | number }>(kpi.sql, kpiParams(filters));
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
