import { z } from 'zod';
import { EARLIEST_YEAR, instantInRange, LATEST_YEAR } from './input-safety';
import { CHANNELS, PAUSE_REASONS, VISIT_METHODS } from './values';

/** Building blocks for command payloads; limits keep junk and oversized strings out of the store. */
export const caseId = z.uuid({ error: 'must be a UUID' });
export const staffId = z.string().trim().min(1).max(64);
export const shortText = z.string().trim().min(1).max(200);
export const longText = z.string().trim().min(1).max(2000);
export const optionalText = z.string().trim().max(2000).optional();
export const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone' })
  .refine(instantInRange, { message: `must be between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`, params: { rule: 'year_range' } });
export const fen = z.number().int('must be a whole number of fen (分)').min(0).max(100_000_000);
export const phone = z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'must be a phone number');
export const personalContact = z.strictObject({ name: z.string().trim().min(1).max(50), phone });
export const location = z.strictObject({ building: z.string().trim().min(1).max(32), unit: z.string().trim().min(1).max(32).optional() });
/** A zod enum over one of the domain's value lists, keeping the literal types. */
export function oneOf<T extends string>(values: readonly T[]) {
  return z.enum(values as unknown as [T, ...T[]]);
}
export const channel = oneOf(CHANNELS);
export const visitMethod = oneOf(VISIT_METHODS);
export const pauseReason = oneOf(PAUSE_REASONS);
export const ownerRef = z.string().trim().min(1).max(64);
export const projectId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _');

export const followUpVisit = {
  visitId: caseId,
  method: visitMethod,
  satisfied: z.boolean(),
  remarks: optionalText,
  visitorStaffId: staffId,
};
