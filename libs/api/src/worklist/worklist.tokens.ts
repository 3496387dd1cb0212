/** Time zone in which the worklist's and visitor register's dates begin. */
export const WORKLIST_TIME_ZONE = Symbol('WORKLIST_TIME_ZONE');
