/** Zone in which report months begin and times are shown (SL_TIMEZONE). */
export const REPORTS_TIME_ZONE = Symbol('REPORTS_TIME_ZONE');
