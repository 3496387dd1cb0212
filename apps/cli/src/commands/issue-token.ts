import { canUnmask, MAX_TOKEN_TTL_SECONDS, parseTtl, type Principal, type TokenService } from '@service-ledger/auth';
import { ROLES, type Role } from '@service-ledger/core';

/** `tokens issue`: every flag checked, a clear message naming the flag when one is wrong (exit 1). */
export function issueToken(tokens: TokenService, opts: { role: string; projects: string; ttl: string; staff?: string; unmask?: boolean }): string {
  const role = opts.role as Role;
  if (!ROLES.includes(role) || role === 'system') throw new Error(`--role must be one of ${ROLES.filter((r) => r !== 'system').join(', ')}`);
  const projects = opts.projects.trim() === '*' ? '*' : opts.projects.split(',').map((p) => p.trim());
  if (projects !== '*' && (projects.length === 0 || projects.some((p) => !/^[A-Za-z0-9_-]{1,32}$/.test(p)))) throw new Error("--projects must be '*' or comma-separated project ids");
  const seconds = parseTtl(opts.ttl);
  if (!seconds || seconds > MAX_TOKEN_TTL_SECONDS) throw new Error('--ttl must be a duration like 30m, 8h or 7d, at most 90d');
  const staffId = opts.staff ?? `${role}-cli`;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(staffId)) throw new Error('--staff must be 1–64 letters, digits, ., - or _');
  const principal: Principal = { staffId, role, projects, permissions: opts.unmask ? ['unmask'] : [] };
  if (opts.unmask && !canUnmask(principal)) throw new Error('--unmask is only for auditors, or for receptionist, supervisor and project_manager tokens scoped to named projects');
  return tokens.issue(principal, seconds);
}
