import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, type Role, UnauthorizedError } from '@service-ledger/core';

/** Who a bearer token speaks for. `projects: '*'` is company-wide (GM office, HR, auditors, admin). */
export interface Principal {
  staffId: string;
  role: Role;
  projects: string[] | '*';
  /** Extra rights, e.g. 'unmask' lets an auditor see personal data (and is logged). */
  permissions: string[];
}

const claims = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES as unknown as [Role, ...Role[]]),
  projects: z.union([z.literal('*'), z.array(z.string())]),
  perms: z.array(z.string()).default([]),
  // A token without an expiry would be valid forever: refused.
  exp: z.number({ error: 'exp is required' }),
});

/** Lifetime of the demo tokens the self-contained demo prints: a working day. */
export const DEMO_TOKEN_TTL = '12h';
/** Longest lifetime `tokens issue` grants. */
export const MAX_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

/** '8h', '30m', '7d', '3600' (seconds) → seconds; undefined when not a duration. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds > 0 ? seconds : undefined;
}

export class TokenService {
  /**
   * The secret as a key object, made once. Given the string, jsonwebtoken first tries to read it as a PEM public key
   * on every verify — a thrown OpenSSL error each time — which was a tenth of the API's CPU under load.
   */
  private readonly key: KeyObject;

  constructor(private readonly secret: string) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  issue(p: Principal, expiresIn: jwt.SignOptions['expiresIn'] = '8h'): string {
    return jwt.sign({ role: p.role, projects: p.projects, perms: p.permissions }, this.secret, { subject: p.staffId, expiresIn, algorithm: 'HS256', issuer: 'service-ledger' });
  }

  /**
   * Tokens verified lately, with their expiry (seconds): a client sends the same token on every request, and checking
   * its HMAC and claims again cost ≈ 0.1 ms of the API's one thread per request. The same text verifies the same way
   * until it expires; an expired one is verified again, which refuses it as before. Oldest entries leave first.
   */
  private readonly verified = new Map<string, { principal: Principal; exp: number }>();

  verify(token: string): Principal {
    const known = this.verified.get(token);
    if (known && Math.floor(Date.now() / 1000) < known.exp) return copyOf(known.principal);
    if (known) this.verified.delete(token);
    const principal = this.verifyToken(token);
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal: copyOf(principal.principal), exp: principal.exp });
    return principal.principal;
  }

  private verifyToken(token: string): { principal: Principal; exp: number } {
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: 'service-ledger' });
    } catch (e) {
      throw new UnauthorizedError(`invalid bearer token: ${(e as Error).message}`);
    }
    const parsed = claims.safeParse(decoded);
    if (!parsed.success) throw new UnauthorizedError(`invalid bearer token: ${parsed.error.issues.some((i) => i.path[0] === 'exp') ? 'no expiry (exp)' : 'unexpected claims'}`);
    return { principal: { staffId: parsed.data.sub, role: parsed.data.role, projects: parsed.data.projects, permissions: parsed.data.perms }, exp: parsed.data.exp };
  }
}

/** How many verified tokens TokenService keeps (a few hundred bytes each). */
const VERIFIED_TOKENS = 1000;

/** Each caller gets its own principal: nothing one request does to it reaches another's. */
function copyOf(p: Principal): Principal {
  return { staffId: p.staffId, role: p.role, projects: p.projects === '*' ? '*' : [...p.projects], permissions: [...p.permissions] };
}

/** The embedded demo keeps a generated secret in its data dir, so tokens survive restarts. */
export function resolveSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** One demo user per role, matching the seeded sample company's staff ids. */
export function demoPrincipals(firstProject = 'P01'): Principal[] {
  const company: Role[] = ['gm_office', 'hr', 'auditor', 'admin'];
  return (ROLES.filter((r) => r !== 'system') as Role[]).map((role) => ({
    staffId: company.includes(role) ? `demo-${role}` : `${firstProject}-${role}-1`,
    role,
    projects: company.includes(role) ? '*' : [firstProject],
    permissions: role === 'auditor' ? ['unmask'] : [],
  }));
}

export function inScope(principal: Pick<Principal, 'projects'>, projectId: string): boolean {
  return principal.projects === '*' || principal.projects.includes(projectId);
}

/**
 * Roles whose tokens may carry the `unmask` permission: auditors, and the front desk that makes follow-up visits
 * (回访) and must call the owner back. Front-desk unmasking is only ever on cases of the token's own projects (reads
 * are scoped) and a front-desk token with unmask must name its projects. Every unmasked read is logged.
 */
export const UNMASK_ROLES: readonly Role[] = ['auditor', 'receptionist', 'supervisor', 'project_manager'];

export function canUnmask(principal: Principal): boolean {
  if (!principal.permissions.includes('unmask') || !UNMASK_ROLES.includes(principal.role)) return false;
  return principal.role === 'auditor' || principal.projects !== '*';
}
