import { type INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ROLES, type Role } from '@service-ledger/core';
import { commandCatalogue } from '@service-ledger/application';
import { PUBLIC, ROLES_KEY } from './auth.guard';

/** Who may call a route, read from the same metadata the guard enforces (and, for commands, from the catalogue). */
export interface RouteAccess {
  method: string;
  /** OpenAPI style: /api/cases/{streamId}. */
  path: string;
  public: boolean;
  /** Roles the route lets in (admin always included); every role when the route names none. */
  roles: Role[];
}

const STAFF_ROLES = ROLES.filter((r) => r !== 'system');
const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Every route of a running app with its access rule: the security suite's route × token matrix and the README's roles ×
 * routes table come from here. `/api/commands/{name}` expands to one route per catalogue command with its roles.
 */
export function routeAccess(app: INestApplication): RouteAccess[] {
  const routes: RouteAccess[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classPublic = Reflect.getMetadata(PUBLIC, controller) === true;
      const classRoles = Reflect.getMetadata(ROLES_KEY, controller) as Role[] | undefined;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path = join(base, String(Reflect.getMetadata(PATH_METADATA, handler)));
        const isPublic = classPublic || Reflect.getMetadata(PUBLIC, handler) === true;
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) as Role[] | undefined) ?? classRoles;
        if (path === '/api/commands/{name}') {
          for (const c of commandCatalogue) routes.push({ method, path: `/api/commands/${c.name}`, public: false, roles: withAdmin(c.roles.filter((r) => r !== 'system')) });
        } else routes.push({ method, path, public: isPublic, roles: roles ? withAdmin(roles) : [...STAFF_ROLES] });
      }
    }
  }
  return routes;
}

const withAdmin = (roles: readonly Role[]): Role[] => [...new Set<Role>([...roles, 'admin'])];
