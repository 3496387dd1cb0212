/** The company's time zone (`SL_TIMEZONE`): months, working hours and exports are cut in it. */
export const COMPANY_TIME_ZONE = Symbol('COMPANY_TIME_ZONE');
