/**
 * The shape of the panel catalogue. Every panel is defined once and shown by both renderers: the Grafana
 * dashboards (`npm run dashboards:build`) and the built-in /dashboards page.
 *
 * Result shapes by visualisation (the SQL must return exactly `columns`, in this order):
 *   stat, gauge  → `value`
 *   timeseries   → `t`, `series`, `value` (long format; one line per series)
 *   bar, pie     → `label`, `value`
 *   table        → the columns listed
 */
export type Visualisation = 'stat' | 'gauge' | 'timeseries' | 'bar' | 'pie' | 'table';
export type Unit = 'percent' | 'count' | 'yuan' | 'hours' | 'score';

export interface Text {
  zh: string;
  en: string;
}

export interface Panel {
  id: string;
  title: Text;
  description: Text;
  viz: Visualisation;
  unit: Unit;
  /** Values below `red` are red (rates), or at/above it when `higherIsWorse`. */
  thresholds?: { red: number; higherIsWorse?: boolean };
  columns: string[];
  /** The KPI of libs/analytics this panel shows, when it shows one (its SQL is then derived from the KPI's definition). */
  kpi?: string;
  /** Panel SQL in the catalogue's template language (see ../sql.ts). */
  sql: string;
}

export interface Dashboard {
  id: string;
  title: Text;
  description: Text;
  panels: Panel[];
}
