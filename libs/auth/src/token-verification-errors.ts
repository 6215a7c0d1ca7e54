import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { decodeProtectedHeader, errors } from 'jose';
import { ACCEPTED_ALGORITHMS, CLOCK_TOLERANCE_SECONDS } from './claims';

/** Values the token was checked against, for the error messages. */
export interface VerificationExpectations {
  issuer: string;
  audience: string;
}

/** Maximum length of a token-supplied value quoted in an error message, in characters. */
const MAX_QUOTED_LENGTH = 80;

/**
 * Maps a failed verification to an AppError with a reason a client can act on: UNAUTHENTICATED
 * for every fault of the token; AppErrors (UNAVAILABLE of the key set, a missing tenant claim)
 * pass through unchanged.
 */
export function describeVerificationError(
  error: unknown,
  token: string,
  expected: VerificationExpectations,
): AppError {
  if (error instanceof AppError) {
    return error;
  }

  return new AppError(ErrorCode.UNAUTHENTICATED, reasonOf(error, token, expected), { cause: error });
}

function reasonOf(error: unknown, token: string, expected: VerificationExpectations): string {
  if (error instanceof errors.JWTExpired) {
    return `token expired at ${isoTime(error.payload.exp)} (clock tolerance ${CLOCK_TOLERANCE_SECONDS} s): request a new token`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return claimReason(error, expected);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `token algorithm ${quote(headerOf(token).alg)} is not accepted: tokens must be signed with one of ${ACCEPTED_ALGORITHMS.join(', ')}`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return `token key id ${quote(headerOf(token).kid)} is not in the issuer's key set: request a new token, because the key may have been rotated out`;
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return `token key id ${quote(headerOf(token).kid)} matches several keys of the issuer's key set: request a token whose header names a unique key id`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'token signature is invalid: request a new token from the issuer';
  }

  return 'token signature or format is invalid: send a signed JWT access token';
}

function claimReason(
  error: InstanceType<typeof errors.JWTClaimValidationFailed>,
  expected: VerificationExpectations,
) {
  const { claim, reason, payload } = error;
  if (reason === 'missing') {
    return `token has no "${claim}" claim: request an access token from the issuer`;
  }
  switch (claim) {
    case 'iss':
      return `token issuer ${quote(payload.iss)} is not the expected issuer "${expected.issuer}": request a token from that issuer`;
    case 'aud':
      return `token audience ${quote(payload.aud)} does not include "${expected.audience}": request a token for that audience`;
    case 'nbf':
      return `token is not valid before ${isoTime(payload.nbf)} (clock tolerance ${CLOCK_TOLERANCE_SECONDS} s): check the clocks of the issuer and this host`;
    default:
      return `token claim "${claim}" is invalid (${reason}): request a new token`;
  }
}

function headerOf(token: string): { alg?: unknown; kid?: unknown } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

function quote(value: unknown): string {
  const text = value === undefined ? 'none' : JSON.stringify(value);

  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
}

/** Largest time a JavaScript Date can hold, in milliseconds since the epoch. */
const MAX_DATE_MS = 8.64e15;

function isoTime(seconds: unknown): string {
  if (typeof seconds !== 'number' || !(Math.abs(seconds * 1000) <= MAX_DATE_MS)) {
    return quote(seconds);
  }

  return new Date(seconds * 1000).toISOString();
}
