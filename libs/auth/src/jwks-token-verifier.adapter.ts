import { Agent as HttpsAgent } from 'node:https';
import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';
import { type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import {
  ACCEPTED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  type StadtdatenClaims,
  principalFromClaims,
} from './claims';
import { discoverJwksUrl } from './oidc-discovery';
import { describeVerificationError } from './token-verification-errors';
import { TokenVerifier } from './token-verifier.port';

export interface JwksTokenVerifierOptions {
  /** Issuer URL as it appears in the tokens' `iss` claim, e.g. `https://idp.example/realms/stadtdaten`. */
  issuer: string;
  /** Audience every accepted token must carry (`stadtdaten`). */
  audience: string;
  /** JWKS endpoint; when unset it is read from `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  /**
   * PEM CA certificate(s) that the provider's HTTPS certificate must chain to, for discovery and
   * key-set requests of this verifier only. Unset, Node.js' built-in CAs apply.
   */
  ca?: string | Buffer;
  logger: Logger;
  /** Minimum time between two key-set fetches triggered by an unknown key id; defaults to 30 000. */
  cooldownMs?: number;
  /** Timeout of one discovery or key-set request; defaults to 5 000. */
  timeoutMs?: number;
  /** Age after which the key set is fetched again even without an unknown key id; defaults to 600 000. */
  cacheMaxAgeMs?: number;
}

const DEFAULT_COOLDOWN_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_MAX_AGE_MS = 600_000;

/** Keycloak (26) sets the `typ` claim to `Bearer` in access tokens, `ID` in ID tokens and `Refresh` in refresh tokens. */
const ACCESS_TOKEN_TYPE = 'Bearer';

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies access tokens of an OIDC provider (Keycloak in production) against the keys the
 * provider publishes as JWKS. The key set is fetched on first use and again when a token names
 * an unknown key id, at most once per cooldown, so a key rotation at the provider takes effect
 * without a restart. A key removed from the set stops verifying tokens after the next fetch.
 */
export class JwksTokenVerifier extends TokenVerifier {
  private keySet?: Promise<RemoteKeySet>;
  private loadedKeyIds = '';

  constructor(private readonly options: JwksTokenVerifierOptions) {
    super();
  }

  async verify(token: string): Promise<Principal> {
    const keySet = await this.resolveKeySet();

    try {
      const { payload } = await jwtVerify<StadtdatenClaims>(token, this.withUnavailableMapping(keySet), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      });
      if (payload.typ !== undefined && payload.typ !== ACCESS_TOKEN_TYPE) {
        throw new AppError(
          ErrorCode.UNAUTHENTICATED,
          `token of type "${String(payload.typ)}" is not an access token: send the access token`,
        );
      }

      return principalFromClaims(payload);
    } catch (error) {
      const failure = describeVerificationError(error, token, this.options);
      this.options.logger.debug({ reason: failure.message, code: failure.code }, 'token rejected');
      throw failure;
    } finally {
      this.logKeySetChange(keySet);
    }
  }

  /** Creates the remote key set once; a failed discovery is retried on the next call. */
  private resolveKeySet(): Promise<RemoteKeySet> {
    if (this.keySet === undefined) {
      this.keySet = this.createKeySet();
      this.keySet.catch(() => {
        this.keySet = undefined;
      });
    }

    return this.keySet;
  }

  private async createKeySet(): Promise<RemoteKeySet> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { ca, issuer, logger } = this.options;
    const jwksUrl = this.options.jwksUrl ?? (await discoverJwksUrl(issuer, timeoutMs, logger, ca));
    const url = new URL(jwksUrl);
    // jose 5 (Node.js build) loads the key set with https.get and passes this agent on.
    const agent = ca !== undefined && url.protocol === 'https:' ? new HttpsAgent({ ca }) : undefined;
    const keySet = createRemoteJWKSet(url, {
      cooldownDuration: this.options.cooldownMs ?? DEFAULT_COOLDOWN_MS,
      timeoutDuration: timeoutMs,
      cacheMaxAge: this.options.cacheMaxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS,
      agent,
    });
    this.options.logger.info({ issuer: this.options.issuer, jwksUrl }, 'token verifier configured');

    return keySet;
  }

  /**
   * Turns failures to load the key set (network, timeout, non-200 response, malformed JSON) into a
   * retriable UNAVAILABLE, because they are the provider's fault and not the token's. Errors about
   * the token's key id pass through unchanged.
   */
  private withUnavailableMapping(keySet: RemoteKeySet): JWTVerifyGetKey {
    return async (header, token) => {
      try {
        return await keySet(header, token);
      } catch (error) {
        if (
          error instanceof errors.JWKSNoMatchingKey ||
          error instanceof errors.JWKSMultipleMatchingKeys ||
          error instanceof errors.JOSENotSupported
        ) {
          throw error;
        }
        this.options.logger.warn({ err: error, issuer: this.options.issuer }, 'key set fetch failed');
        throw new AppError(
          ErrorCode.UNAVAILABLE,
          `key set of issuer "${this.options.issuer}" could not be loaded: ${(error as Error).message}; check that the identity provider is reachable`,
          { cause: error, retriable: true },
        );
      }
    };
  }

  /** Logs the key ids once after every fetch that changed them, so rotations show in the log. */
  private logKeySetChange(keySet: RemoteKeySet): void {
    const keyIds = (keySet.jwks()?.keys ?? []).map((key) => key.kid ?? '').sort();
    const joined = keyIds.join(',');
    if (keyIds.length === 0 || joined === this.loadedKeyIds) {
      return;
    }
    this.loadedKeyIds = joined;
    this.options.logger.info({ issuer: this.options.issuer, keyIds }, 'key set loaded');
  }
}
