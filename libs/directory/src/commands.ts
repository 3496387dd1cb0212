import { z } from 'zod';
import { type Aggregate, type DomainCommand, ensure, event, ROLES, type Role, schemas as field, typedAggregate } from '@service-ledger/core';
import { PROJECT_STREAM, type ProjectRegistered, STAFF_STREAM, type StaffMemberLeft, type StaffMemberRegistered } from './events';

export interface ProjectState {
  exists: boolean;
}
export interface StaffState {
  exists: boolean;
  left: boolean;
}
const projectAggregate: Aggregate<ProjectState> = typedAggregate<ProjectState, ProjectRegistered>({
  initialState: () => ({ exists: false }),
  evolve: (state, e) => (e.type === 'ProjectRegistered' ? { exists: true } : state),
});
const staffAggregate: Aggregate<StaffState> = typedAggregate<StaffState, StaffMemberRegistered | StaffMemberLeft>({
  initialState: () => ({ exists: false, left: false }),
  evolve: (state, e) => (e.type === 'StaffMemberRegistered' ? { ...state, exists: true } : e.type === 'StaffMemberLeft' ? { ...state, left: true } : state),
});

const ADMINS: readonly Role[] = ['admin', 'system'];
const staffRoles = ROLES.filter((r) => r !== 'system') as [Role, ...Role[]];

export const directoryCommands: DomainCommand[] = [
  {
    name: 'RegisterProject',
    summary: 'Register a project (项目) with its buildings and units.',
    capability: 'directory',
    schema: z.strictObject({
      projectId: field.projectId,
      name: field.shortText,
      city: field.shortText,
      buildings: z.array(z.strictObject({ building: z.string().trim().min(1).max(32), units: z.array(z.string().trim().min(1).max(32)).max(2000) })).min(1).max(500),
      timeZone: z.string().trim().default('Asia/Shanghai'),
    }),
    streamId: (p: { projectId: string }) => `${PROJECT_STREAM}-${p.projectId}`,
    projectId: (p: { projectId: string }) => p.projectId,
    creates: true,
    roles: ADMINS,
    aggregate: projectAggregate,
    decide: (p) => [event('ProjectRegistered', { projectId: p.projectId, name: p.name, city: p.city, buildings: p.buildings, timeZone: p.timeZone })],
  },
  {
    name: 'RegisterStaffMember',
    summary: 'Register a staff member with role, department and projects.',
    capability: 'directory',
    schema: z.strictObject({
      staffId: field.staffId,
      name: field.shortText,
      role: z.enum(staffRoles),
      department: field.shortText,
      projectIds: z.array(field.projectId).min(1).max(200),
    }),
    streamId: (p: { staffId: string }) => `${STAFF_STREAM}-${p.staffId}`,
    projectId: (p: { projectIds: string[] }) => p.projectIds[0],
    creates: true,
    roles: ADMINS,
    aggregate: staffAggregate,
    decide: (p) => [event('StaffMemberRegistered', { staffId: p.staffId, name: p.name, role: p.role, department: p.department, projectIds: p.projectIds })],
  },
  {
    name: 'RecordStaffDeparture',
    summary: 'A staff member leaves.',
    capability: 'directory',
    schema: z.strictObject({ staffId: field.staffId, reason: field.optionalText }),
    streamId: (p: { staffId: string }) => `${STAFF_STREAM}-${p.staffId}`,
    creates: false,
    roles: ADMINS,
    aggregate: staffAggregate,
    decide: (p, state: StaffState) => {
      ensure(!state.left, 'staff.left_once', 'the staff member already left');
      return [event('StaffMemberLeft', { reason: p.reason })];
    },
  },
];
