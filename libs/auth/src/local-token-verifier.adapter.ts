import type { Principal } from '@stadtdaten/contracts';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type JWK, createLocalJWKSet, errors, jwtVerify } from 'jose';
import { ACCEPTED_ALGORITHMS, CLOCK_TOLERANCE_SECONDS, TOKEN_AUDIENCE, principalFromClaims } from './claims';
import type { StadtdatenClaims } from './claims';
import { TokenVerifier } from './token-verifier.port';

/** Verifies tokens against a fixed set of public keys, such as the built-in issuer's. */
export class LocalTokenVerifier extends TokenVerifier {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  constructor(
    keys: JWK[],
    private readonly issuer: string,
  ) {
    super();
    this.keySet = createLocalJWKSet({ keys });
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify<StadtdatenClaims>(token, this.keySet, {
        issuer: this.issuer,
        audience: TOKEN_AUDIENCE,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      });

      return principalFromClaims(payload);
    } catch (error) {
      throw toAuthError(error);
    }
  }
}

/** Maps jose's verification errors to UNAUTHENTICATED with a reason a client can act on. */
export function toAuthError(error: unknown): AppError {
  if (error instanceof AppError) {
    return error;
  }
  if (error instanceof errors.JWTExpired) {
    return new AppError(ErrorCode.UNAUTHENTICATED, 'token expired: request a new token', { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AppError(ErrorCode.UNAUTHENTICATED, `token claim "${error.claim}" is invalid: ${error.reason}`, {
      cause: error,
    });
  }

  return new AppError(ErrorCode.UNAUTHENTICATED, 'token signature or format is invalid', { cause: error });
}
