import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode, type Principal, type Role } from '@stadtdaten/contracts';
import { bearerToken, verifyForRequest } from './request-principal';
import { TokenVerifier } from './token-verifier.port';

const OPTIONAL_AUTH = 'stadtdaten:optional-auth';
const REQUIRED_ROLES = 'stadtdaten:roles';

/** Marks a route that also responds without a token (for public data); a token that is sent must be valid. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);

/** The caller needs at least one of these roles (platform-admin always passes). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The caller of the request, or undefined on an optional-auth route called without a token. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

/** The only place that checks tokens; handlers declare roles and receive a typed principal. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets) ?? false;
    const roles = this.reflector.getAllAndOverride<Role[]>(REQUIRED_ROLES, targets) ?? [];

    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      if (optional) {
        return true;
      }
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'missing bearer token: send "Authorization: Bearer <token>"');
    }

    const principal = await verifyForRequest(request, token, this.verifier);
    requireRoles(principal, roles);
    request.principal = principal;

    return true;
  }
}

/** Throws FORBIDDEN unless the principal has one of the roles (platform-admin always passes). */
export function requireRoles(principal: Principal, roles: readonly Role[]): void {
  if (roles.length === 0 || principal.roles.includes('platform-admin')) {
    return;
  }
  if (!roles.some((role) => principal.roles.includes(role))) {
    throw new AppError(ErrorCode.FORBIDDEN, `this action needs one of the roles: ${roles.join(', ')}`);
  }
}

/** Throws FORBIDDEN unless the principal belongs to the tenant (platform-admin reaches every tenant). */
export function requireTenant(principal: Principal | undefined, tenant: string): Principal {
  if (principal === undefined) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'missing bearer token: send "Authorization: Bearer <token>"');
  }
  if (principal.tenant !== tenant && !principal.roles.includes('platform-admin')) {
    throw new AppError(ErrorCode.FORBIDDEN, `token of tenant "${principal.tenant}" cannot access tenant "${tenant}"`);
  }

  return principal;
}
