import { NotFoundError, ValidationError } from '@service-ledger/core';
import type { Analytics } from '../client';
import { renderKpi } from './builder';
import { KPIS, type KpiDefinition } from './definitions';
import { groupedKpiSql, type KpiFilters, kpiParams } from './run';
import { STAFF_SCORECARD_ID, staffScorecardSql } from './staff-scorecard';

/**
 * The case ids behind a KPI figure: the KPI rendered with each side as the list of case ids it counts, so a
 * dashboard number traces back to its cases and, through them, to their events.
 */
export function drilldownSql(kpi: KpiDefinition): string {
  return renderKpi(kpi.id, kpi.query, { kind: 'case ids' });
}

export async function kpiCases(db: Analytics, kpiId: string, filters: KpiFilters): Promise<{ numerator: string[]; denominator: string[] }> {
  const kpi = KPIS.find((k) => k.id === kpiId);
  if (!kpi) throw new NotFoundError(`no KPI ${kpiId}`);
  const [row] = await db.query<{ numerator: string[]; denominator: string[] }>(drilldownSql(kpi), kpiParams(filters));
  return { numerator: [...(row?.numerator ?? [])].sort(), denominator: [...(row?.denominator ?? [])].sort() };
}

/** The SQL texts a KPI runs as, by where they run. */
export const KPI_SQL_SHAPES = ['run', 'by-project', 'cases'] as const;
export type KpiSqlShape = (typeof KPI_SQL_SHAPES)[number];

/**
 * Exactly the SQL a KPI runs as (`service-ledger kpi sql <id>`): `run` — the KPI run of the API, CLI and exports;
 * `by-project` — the monthly export's grouped pass; `cases` — the drill-down. Table names still as {{name}}. The
 * staff scorecard (`staff_scorecard`) is printed as its month's run, the one the export and the API execute.
 */
export function kpiSql(kpiId: string, shape: KpiSqlShape = 'run'): string {
  if (kpiId === STAFF_SCORECARD_ID) {
    if (shape !== 'run') throw ValidationError.field('shape', 'one_of', 'the staff scorecard is one query: run (or the panel)');
    return staffScorecardSql();
  }
  const kpi = KPIS.find((k) => k.id === kpiId);
  if (!kpi) throw new NotFoundError(`no KPI ${kpiId} (known: ${KPIS.map((k) => k.id).join(', ')})`);
  if (!KPI_SQL_SHAPES.includes(shape)) throw ValidationError.field('shape', 'one_of', `must be one of ${KPI_SQL_SHAPES.join(', ')}`);
  return shape === 'run' ? kpi.sql : shape === 'by-project' ? groupedKpiSql(kpi) : drilldownSql(kpi);
}
