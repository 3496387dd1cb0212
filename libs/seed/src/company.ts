import type { Faker } from '@faker-js/faker';
import type { Role } from '@service-ledger/core';

export interface StaffMember {
  staffId: string;
  name: string;
  role: Role;
  department: string;
  projectIds: string[];
  /** 0.5 (poor) … 1 (excellent): drives how fast and how well this person works. */
  quality: number;
}

export interface Project {
  projectId: string;
  name: string;
  city: string;
  buildings: { building: string; units: string[] }[];
  /** How well run the project is; multiplies staff quality. */
  quality: number;
  /** Households relative to the average: scales the workload. */
  size: number;
  staff: StaffMember[];
}

const PROJECT_NAMES = ['翠湖花园', '滨江华庭', '锦绣天地', '御景湾', '金色家园', '阳光城', '紫薇苑', '书香门第', '海棠湾', '龙湖郦城', '云栖里', '泰和园'];
const CITIES = ['上海', '杭州', '南京', '苏州', '宁波', '合肥'];
const DEPARTMENTS: Record<string, string> = {
  receptionist: 'customer_service', supervisor: 'customer_service', technician: 'engineering', engineering_supervisor: 'engineering',
  project_manager: 'management', gm_office: 'gm_office', hr: 'hr', auditor: 'audit', admin: 'it',
};
/** Staff per role in a typical project; the front line (desk and technicians) grows with the project's scale. */
const PER_PROJECT: [Role, number, boolean][] = [['receptionist', 2, true], ['supervisor', 1, false], ['technician', 3, true], ['engineering_supervisor', 1, false], ['project_manager', 1, false]];

/**
 * A property-management company: projects with buildings and units, staff in every role. Ids match the demo tokens.
 * `scale` (default 1) makes every project that many times bigger: buildings, front-line staff and households.
 */
export function buildCompany(f: Faker, projects: number, scale = 1): { projects: Project[]; companyStaff: StaffMember[] } {
  const list: Project[] = [];
  for (let p = 1; p <= projects; p++) {
    const projectId = `P${String(p).padStart(2, '0')}`;
    const buildingCount = Math.max(1, Math.round(f.number.int({ min: 4, max: 10 }) * scale));
    const buildings = Array.from({ length: buildingCount }, (_, b) => ({
      building: String(b + 1),
      units: Array.from({ length: f.number.int({ min: 8, max: 18 }) }, (_, fl) => [1, 2, 3, 4].map((u) => `${String(fl + 1).padStart(2, '0')}0${u}`)).flat(),
    }));
    // Contrast between projects: the first is well run, the last struggles.
    const quality = projects === 1 ? 0.85 : 0.97 - (0.3 * (p - 1)) / (projects - 1);
    const staff: StaffMember[] = PER_PROJECT.flatMap(([role, n, grows]) =>
      Array.from({ length: grows ? Math.max(1, Math.round(n * scale)) : n }, (_, i) => ({
        staffId: `${projectId}-${role}-${i + 1}`,
        name: f.person.fullName(),
        role,
        department: DEPARTMENTS[role],
        projectIds: [projectId],
        quality: Math.min(1, Math.max(0.5, quality + f.number.float({ min: -0.12, max: 0.08 }))),
      })),
    );
    list.push({ projectId, name: PROJECT_NAMES[(p - 1) % PROJECT_NAMES.length] + (p > PROJECT_NAMES.length ? ` ${Math.ceil(p / PROJECT_NAMES.length)}期` : ''), city: f.helpers.arrayElement(CITIES), buildings, quality, size: f.number.float({ min: 0.7, max: 1.4 }) * scale, staff });
  }
  const companyStaff = (['gm_office', 'hr', 'auditor', 'admin'] as Role[]).map((role) => ({ staffId: `demo-${role}`, name: f.person.fullName(), role, department: DEPARTMENTS[role], projectIds: list.map((p) => p.projectId), quality: 1 }));
  return { projects: list, companyStaff };
}
