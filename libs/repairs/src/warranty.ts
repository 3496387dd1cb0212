import { DateTime } from 'luxon';

/** 保修期: three months by default; rework within it is free and counts against the original job. */
export const DEFAULT_WARRANTY_MONTHS = 3;

export function warrantyEndsAt(completedAt: string, months = DEFAULT_WARRANTY_MONTHS, zone = 'Asia/Shanghai'): Date {
  return DateTime.fromISO(completedAt, { zone }).plus({ months }).toJSDate();
}
