import { type EnvelopeOf, exhaustive } from '@service-ledger/core';
import type { ProjectRegistered, StaffMemberLeft, StaffMemberRegistered } from '../events';

export type ProjectEnvelope = EnvelopeOf<ProjectRegistered>;
export type StaffEnvelope = EnvelopeOf<StaffMemberRegistered | StaffMemberLeft>;

/** A `projects` row: the project as registered (buildings and units counted, never listed). */
export function projectRow(e: ProjectEnvelope) {
  const d = e.data;
  return {
    project_id: d.projectId, name: d.name, city: d.city, buildings: d.buildings.length, units: d.buildings.reduce((n, b) => n + b.units.length, 0),
    time_zone: d.timeZone, version: Number(e.globalPosition),
  };
}

/** A `staff` row folded from a staff member's whole stream: who they are, where they work, whether they have left. */
export function staffRow(streamId: string, events: StaffEnvelope[]) {
  const row = { staff_id: streamId.slice('staff-'.length), name: '', role: '', department: '', project_ids: [] as string[], active: 1, version: 0 };
  for (const e of events) {
    switch (e.type) {
      case 'StaffMemberRegistered':
        // The registration decides (the command refuses a second one on the same stream).
        if (!row.name) Object.assign(row, { staff_id: e.data.staffId, name: e.data.name, role: e.data.role, department: e.data.department, project_ids: e.data.projectIds });
        break;
      case 'StaffMemberLeft':
        row.active = 0;
        break;
      default:
        exhaustive(e);
    }
    row.version = Number(e.globalPosition);
  }
  return row;
}
