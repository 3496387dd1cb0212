import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenService, type Principal } from '@service-ledger/auth';
import { ForbiddenError, type Role, UnauthorizedError } from '@service-ledger/core';

export const PUBLIC = 'sl:public';
export const ROLES_KEY = 'sl:roles';

/** Routes anyone may call (health, docs, metrics, the dashboard page shell). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Roles allowed on a route; admin is always allowed. */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal);

/** Every route authenticates (401) and checks its roles (403) unless marked @Public. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.accessOf(context.getHandler(), context.getClass());
    if (access.public) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    // The scheme is case-insensitive (RFC 9110 §11.1): 'bearer' works like 'Bearer'.
    const token = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
    if (!token) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
    const principal = this.tokens.verify(token);
    request.principal = principal;
    const roles = access.roles;
    if (roles && principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new ForbiddenError(`role '${principal.role}' may not use this route (allowed: ${roles.join(', ')})`);
    }
    return true;
  }

  /**
   * A route's @Public and @AllowRoles, read once per route: decorators are fixed when the class is defined, and the
   * four metadata lookups (handler, then class, for each key) were done again on every request.
   */
  private accessOf(handler: Function, controller: Function): { public: boolean; roles: Role[] | undefined } {
    let routes = this.access.get(controller);
    if (!routes) this.access.set(controller, (routes = new WeakMap()));
    let access = routes.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = { public: Boolean(this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)), roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) };
      routes.set(handler, access);
    }
    return access;
  }

  private readonly access = new WeakMap<Function, WeakMap<Function, { public: boolean; roles: Role[] | undefined }>>();
}
