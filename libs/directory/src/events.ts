import type { DomainEvent, Role } from '@service-ledger/core';

/** Master data as events too, so replay rebuilds who worked where. Streams `project-<id>`, `staff-<id>`. */
export const PROJECT_STREAM = 'project';
export const STAFF_STREAM = 'staff';

export type ProjectRegistered = DomainEvent<
  'ProjectRegistered',
  {
    projectId: string;
    name: string;
    city: string;
    buildings: { building: string; units: string[] }[];
    timeZone: string;
  }
>;

/** Staff member and the departments/projects they work in (一个人可服务多个项目). */
export type StaffMemberRegistered = DomainEvent<
  'StaffMemberRegistered',
  { staffId: string; name: string; role: Role; department: string; projectIds: string[] }
>;

export type StaffMemberLeft = DomainEvent<'StaffMemberLeft', { reason?: string }>;

export type DirectoryEvent = ProjectRegistered | StaffMemberRegistered | StaffMemberLeft;

export const DIRECTORY_EVENT_TYPES: readonly DirectoryEvent['type'][] = ['ProjectRegistered', 'StaffMemberRegistered', 'StaffMemberLeft'];
