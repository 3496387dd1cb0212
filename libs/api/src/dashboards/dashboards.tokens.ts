/** The time zone the dashboards cut months and days in (the company's, `SL_TIMEZONE`). */
export const DASHBOARDS_TIME_ZONE = Symbol('DASHBOARDS_TIME_ZONE');
/** How many panel answers the dashboards keep (LRU); 0 keeps none (identical requests in flight are still shared). */
export const DASHBOARDS_CACHE_ENTRIES = Symbol('DASHBOARDS_CACHE_ENTRIES');
