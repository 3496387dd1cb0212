/**
 * Value types shared by the capabilities. Personal data is grouped in `PersonalContact` so that
 * projections and logs can drop it in one place; analytics use the pseudonymous `ownerRef` instead.
 */

/** How a request reached the service centre: 来电, 来访, 信访, online. */
export type Channel = 'phone' | 'in_person' | 'letter' | 'online';
export const CHANNELS: readonly Channel[] = ['phone', 'in_person', 'letter', 'online'];

/** Personal data (PIPL): lives in the event store only, never in ClickHouse or logs. */
export interface PersonalContact {
  name: string;
  phone: string;
}

/** Where a case is: project → building → unit (unit absent for common parts). */
export interface Location {
  building: string;
  unit?: string;
}

/** 共用部位 vs 自用部位. */
export type PartKind = 'common' | 'private';

/** Follow-up visit method (回访方式). */
export type VisitMethod = 'phone' | 'door' | 'online';
export const VISIT_METHODS: readonly VisitMethod[] = ['phone', 'door', 'online'];

/** Why an SLA clock is paused; paused time does not count (docs/domain.md, SLA clocks). */
export type PauseReason = 'owner_absent' | 'owner_asked_to_wait' | 'parts_on_order' | 'third_party';
export const PAUSE_REASONS: readonly PauseReason[] = ['owner_absent', 'owner_asked_to_wait', 'parts_on_order', 'third_party'];

/** The follow-up visit recorded on a complaint's or repair's own stream (回访). */
export interface FollowUpVisitData {
  visitId: string;
  method: VisitMethod;
  satisfied: boolean;
  remarks?: string;
  /** Staff who made the visit. */
  visitorStaffId: string;
}

/** Money in fen (分) as integers, so sums are exact. */
export type Fen = number;
