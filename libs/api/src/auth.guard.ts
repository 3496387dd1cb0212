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
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    // The scheme is case-insensitive (RFC 9110 §11.1): 'bearer' works like 'Bearer'.
    const token = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
    if (!token) throw new UnauthorizedError('missing bearer token (Authorization: Bearer <token>)');
    const principal = this.tokens.verify(token);
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new ForbiddenError(`role '${principal.role}' may not use this route (allowed: ${roles.join(', ')})`);
    }
    return true;
  }
}
