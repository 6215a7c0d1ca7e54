import type { Principal } from '@stadtdaten/contracts';

/**
 * Checks a bearer token and returns the caller. Production checks Keycloak's tokens against
 * the realm's JWKS; the embedded adapter checks tokens of the built-in issuer.
 */
export abstract class TokenVerifier {
  /** Throws AppError UNAUTHENTICATED when the token is invalid, expired or of another issuer. */
  abstract verify(token: string): Promise<Principal>;
}
