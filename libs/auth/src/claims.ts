import { AppError, ErrorCode, ROLES, type Principal, type Role, isTenantId } from '@stadtdaten/contracts';
import type { JWTPayload } from 'jose';

/** Audience every stadtdaten token carries, in Keycloak through an audience mapper. */
export const TOKEN_AUDIENCE = 'stadtdaten';

/** Signature algorithms accepted; `none` and HMAC algorithms are never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** Allowed difference between the issuer's and this machine's clocks, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Claims layout shared by Keycloak and the built-in issuer: the tenant in a `tenant`
 * claim and the roles in `realm_access.roles`, as Keycloak puts realm roles.
 */
export interface StadtdatenClaims extends JWTPayload {
  tenant?: string;
  realm_access?: { roles?: string[] };
  preferred_username?: string;
}

/** Tenant of a platform administrator whose token names none; platform-admin reaches every tenant. */
export const PLATFORM_TENANT = 'platform';

export function principalFromClaims(claims: StadtdatenClaims): Principal {
  const roles = (claims.realm_access?.roles ?? []).filter((role): role is Role =>
    (ROLES as readonly string[]).includes(role),
  );
  const tenant = claims.tenant ?? (roles.includes('platform-admin') ? PLATFORM_TENANT : undefined);
  if (typeof tenant !== 'string' || !isTenantId(tenant)) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'token has no valid tenant claim');
  }
  if (tenant === PLATFORM_TENANT && !roles.includes('platform-admin')) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      `token names the tenant "${PLATFORM_TENANT}", which only platform-admin tokens may name: request a token of your own tenant`,
    );
  }

  return { subject: claims.preferred_username ?? claims.sub ?? 'unknown', tenant, roles };
}
