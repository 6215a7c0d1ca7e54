import type { Principal } from '@stadtdaten/contracts';
import type { TokenVerifier } from './token-verifier.port';

/** The token of each request that was verified already, and the principal it gave. */
const verified = new WeakMap<object, { token: string; principal: Principal }>();

/** Returns the token of an `Authorization: Bearer <token>` header, or undefined without one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer\s+(\S+)$/i.exec(value);

  return match?.[1];
}

/**
 * Verifies `token` once per request: the rate limiter and the auth guard both need the
 * principal of the same request, and a JWKS check costs a signature verification each time.
 * A token that fails is not remembered, so each caller sees the failure itself.
 */
export async function verifyForRequest(request: object, token: string, verifier: TokenVerifier): Promise<Principal> {
  const known = verified.get(request);
  if (known !== undefined && known.token === token) {
    return known.principal;
  }
  const principal = await verifier.verify(token);
  verified.set(request, { token, principal });

  return principal;
}
