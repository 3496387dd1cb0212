import type { Analytics } from '../client';
import { KPIS } from './definitions';
import { type KpiFilters, kpiParams } from './run';
import { NotFoundError } from '@service-ledger/core';

/**
 * The case ids behind a KPI figure: the KPI's own SQL with each count turned into the list of case ids it counts,
 * so a dashboard number traces back to its cases and, through them, to their events.
 */
export function drilldownSql(sql: string): string {
  return sql
    .replace(/count\(\) - countIf\((.+?)\) AS numerator/s, 'groupArrayIf(case_id, NOT ($1)) AS numerator')
    .replace(/countIf\(/g, 'groupArrayIf(case_id, ')
    .replace(/count\(\)/g, 'groupArray(case_id)')
    .replace(/sum\(JSONExtractUInt\(data, 'amount'\)\)/g, 'groupArray(case_id)');
}

export async function kpiCases(db: Analytics, kpiId: string, filters: KpiFilters): Promise<{ numerator: string[]; denominator: string[] }> {
  const kpi = KPIS.find((k) => k.id === kpiId);
  if (!kpi) throw new NotFoundError(`no KPI ${kpiId}`);
  const [row] = await db.query<{ numerator: string[]; denominator: string[] }>(drilldownSql(kpi.sql), kpiParams(filters));
  return { numerator: [...(row?.numerator ?? [])].sort(), denominator: [...(row?.denominator ?? [])].sort() };
}
