import type { EventEnvelope } from '@service-ledger/core';
import { type ProjectEnvelope, projectRow, type StaffEnvelope, staffRow } from './index';

const envelope = (streamId: string, type: string, data: unknown, position: number) =>
  ({ eventId: `e${position}`, streamId, streamVersion: position, globalPosition: BigInt(position), type, schemaVersion: 1, data, occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', actor: { staffId: 'admin-1', role: 'admin' }, projectId: 'P01', correlationId: 'c', causationId: null }) as EventEnvelope;

describe('directory read side', () => {
  it('a project row counts buildings and units, versioned by its position', () => {
    const e = envelope('project-P01', 'ProjectRegistered', { projectId: 'P01', name: '翠湖花园', city: '杭州', buildings: [{ building: '1', units: ['0101', '0102'] }, { building: '2', units: ['0201'] }], timeZone: 'Asia/Shanghai' }, 7) as ProjectEnvelope;
    expect(projectRow(e)).toEqual({ project_id: 'P01', name: '翠湖花园', city: '杭州', buildings: 2, units: 3, time_zone: 'Asia/Shanghai', version: 7 });
  });

  it('a staff row comes from the registration; leaving makes it inactive; the version is the last event', () => {
    const registered = envelope('staff-s1', 'StaffMemberRegistered', { staffId: 's1', name: '王工', role: 'technician', department: 'engineering', projectIds: ['P01', 'P02'] }, 3);
    expect(staffRow('staff-s1', [registered] as StaffEnvelope[])).toEqual({ staff_id: 's1', name: '王工', role: 'technician', department: 'engineering', project_ids: ['P01', 'P02'], active: 1, version: 3 });
    const left = envelope('staff-s1', 'StaffMemberLeft', { reason: 'moved' }, 9);
    expect(staffRow('staff-s1', [registered, left] as StaffEnvelope[])).toMatchObject({ name: '王工', active: 0, version: 9 });
  });
});
