import { AGGREGATES, clockStatusNow as clockStatusNowOf } from '@service-ledger/analytics';
import { countedIn, kpiDefinition, kpiValueSql } from './kpi';
import type { Panel } from './types';

/** A rate to 4 decimals, empty (NULL) when nothing was counted. */
export const rate = (num: string, den: string) => `if(${den} = 0, NULL, round(${num} / ${den}, 4))`;

/** "Breached now" on the clock table, as the KPIs apply it on the case table (`clockStatusNow`, libs/analytics). */
export const clockStatusNow = clockStatusNowOf({ status: 'status', deadline: 'deadline', paused: 'paused' });

/** Staff ids in `label` become "id name" (staff names are not personal data of owners; they are in the staff table). */
export const withStaffNames = (sql: string) =>
  `SELECT trim(concat(g.label, ' ', st.name)) AS label, g.value AS value FROM (${sql}) AS g LEFT JOIN (SELECT staff_id, name FROM {{staff}} FINAL) AS st ON st.staff_id = g.label`;

/** Long runs of digits in free text (phone numbers, ID numbers) are masked before display. */
export const maskDigits = (col: string) => `replaceRegexpAll(${col}, '[0-9]{7,}', '****')`;

/** A single-figure panel showing one KPI, titled as in the KPI exports. */
export function kpiPanel(id: string, p: Pick<Panel, 'viz' | 'unit' | 'thresholds'> & { zh: string }): Panel {
  const kpi = kpiDefinition(id);
  return {
    id: `kpi_${id}`,
    kpi: id,
    title: { zh: kpi.zh, en: kpi.en },
    description: { zh: p.zh, en: kpi.denominator === '—' ? `${kpi.numerator}, by month of ${kpi.month}.` : `${kpi.numerator} ÷ ${kpi.denominator}, by month of ${kpi.month}.` },
    viz: p.viz,
    unit: p.unit,
    ...(p.thresholds ? { thresholds: p.thresholds } : {}),
    columns: ['value'],
    sql: kpiValueSql(id),
  };
}

/**
 * The sum over an aggregate's rows of what it counts of `count` (`countedIn`, the KPI readers' rule). Found by the
 * expression, so a panel fails to build when the aggregate (libs/analytics aggregates.ts) no longer counts what the
 * panel's former SQL counted.
 */
export function aggregateSum(table: string, count: string): string {
  const aggregate = AGGREGATES.find((a) => a.table === table);
  const sum = aggregate && countedIn(aggregate, count);
  if (!sum) throw new Error(`${table} has no column for ${count}`);
  return sum();
}
