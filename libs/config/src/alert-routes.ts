import { z } from 'zod';
import { ROLES, type Role } from '@service-ledger/core';

/**
 * Where alerts go: one route per (project or '*', role) and channel. SL_ALERT_ROUTES is a JSON array; URLs and secrets
 * may be (secrets must be) named by environment variable, so the robots' keys never sit in a shared config text:
 *
 *   [{"name":"p01-supervisors","project":"P01","role":"supervisor","kind":"wecom","urlEnv":"SL_ALERT_P01_SUP_URL"},
 *    {"name":"managers","project":"*","role":"project_manager","kind":"dingtalk","urlEnv":"SL_ALERT_PM_URL","secretEnv":"SL_ALERT_PM_SECRET"},
 *    {"name":"gm-office","project":"*","role":"gm_office","kind":"json","url":"https://hooks.example.com/sl","secretEnv":"SL_ALERT_GM_SECRET"}]
 *
 * kind json: generic JSON webhook signed with HMAC-SHA256 (secretEnv required); wecom: 企业微信 group robot;
 * dingtalk: 钉钉 group robot (secretEnv turns on its signed URL, timestamp + sign).
 */
export interface AlertRoute {
  name: string;
  project: string;
  role: Role;
  kind: 'json' | 'wecom' | 'dingtalk';
  url: string;
  secret?: string;
}

const ENV_NAME = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');
const entry = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . -'),
    project: z.string().regex(/^(\*|[A-Za-z0-9_-]{1,32})$/, "must be a project id or '*'"),
    role: z.enum(ROLES as unknown as [Role, ...Role[]]),
    kind: z.enum(['json', 'wecom', 'dingtalk']),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    urlEnv: ENV_NAME.optional(),
    secretEnv: ENV_NAME.optional(),
  })
  .refine((r) => (r.url === undefined) !== (r.urlEnv === undefined), { message: 'give exactly one of url and urlEnv', path: ['url'] })
  .refine((r) => r.kind !== 'json' || r.secretEnv !== undefined, { message: 'a json route is signed: secretEnv is required', path: ['secretEnv'] });

/** Parses and resolves SL_ALERT_ROUTES against the environment; each problem names the route and field. */
export function parseAlertRoutes(raw: string, env: NodeJS.ProcessEnv): { routes: AlertRoute[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw || '[]');
  } catch {
    return { routes: [], problems: ['SL_ALERT_ROUTES: must be a JSON array of routes'] };
  }
  const parsed = z.array(entry).max(200).safeParse(json);
  if (!parsed.success) return { routes: [], problems: parsed.error.issues.map((i) => `SL_ALERT_ROUTES[${i.path.join('.')}]: ${i.message}`) };
  const problems: string[] = [];
  const names = new Set<string>();
  const routes = parsed.data.map((r, i): AlertRoute => {
    if (names.has(r.name)) problems.push(`SL_ALERT_ROUTES[${i}].name: '${r.name}' is used twice`);
    names.add(r.name);
    const url = r.url ?? env[r.urlEnv!];
    if (!url) problems.push(`SL_ALERT_ROUTES[${i}].urlEnv: ${r.urlEnv} is not set`);
    else if (!/^https?:\/\/\S+$/.test(url)) problems.push(`SL_ALERT_ROUTES[${i}].urlEnv: ${r.urlEnv} must hold an http(s) URL`);
    const secret = r.secretEnv ? env[r.secretEnv] : undefined;
    if (r.secretEnv && !secret) problems.push(`SL_ALERT_ROUTES[${i}].secretEnv: ${r.secretEnv} is not set`);
    else if (secret !== undefined && secret.length < 16) problems.push(`SL_ALERT_ROUTES[${i}].secretEnv: ${r.secretEnv} must be at least 16 characters`);
    return { name: r.name, project: r.project, role: r.role, kind: r.kind, url: url ?? '', ...(secret ? { secret } : {}) };
  });
  return { routes, problems };
}

/** The routes that tell `role` about a case of `projectId`. */
export function routesFor(routes: AlertRoute[], projectId: string, role: Role): AlertRoute[] {
  return routes.filter((r) => r.role === role && (r.project === '*' || r.project === projectId));
}
