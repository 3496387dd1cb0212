/** The time zone the dashboards cut months and days in (the company's, `SL_TIMEZONE`). */
export const DASHBOARDS_TIME_ZONE = Symbol('DASHBOARDS_TIME_ZONE');
