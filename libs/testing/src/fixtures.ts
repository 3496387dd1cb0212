import { type CommandContext, newId, type Role } from '@service-ledger/core';

/** A command context for tests and tools. */
export function contextFor(role: Role, staffId = `${role}-1`, projects: string[] | '*' = ['p1'], occurredAt?: string): CommandContext {
  return { commandId: newId(), actor: { staffId, role }, projectScope: projects, correlationId: newId(), causationId: null, occurredAt };
}

export const complaintPayload = (complaintId = newId(), projectId = 'p1') => ({
  complaintId,
  projectId,
  location: { building: '3', unit: '1201' },
  channel: 'phone',
  complainant: { name: '张三丰', phone: '13812341234' },
  ownerRef: 'owner-3-1201',
  content: 'The corridor on floor 12 has not been cleaned for a week.',
  wishes: 'Clean it today and apologise.',
});

export const repairPayload = (repairId = newId(), projectId = 'p1', extra: Record<string, unknown> = {}) => ({
  repairId,
  projectId,
  location: { building: '5', unit: '0302' },
  part: 'private',
  channel: 'phone',
  reporter: { name: '李四海', phone: '13900001111' },
  ownerRef: 'owner-5-0302',
  fault: 'Kitchen tap leaking',
  category: 'general',
  ...extra,
});
