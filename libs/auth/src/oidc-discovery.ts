import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

interface DiscoveryDocument {
  issuer?: unknown;
  jwks_uri?: unknown;
}

/**
 * Reads `jwks_uri` from the issuer's OpenID Connect discovery document
 * (`<issuer>/.well-known/openid-configuration`). Throws a retriable UNAVAILABLE when the document
 * cannot be loaded, and INVALID_CONFIG when it names another issuer or no usable `jwks_uri`.
 */
export async function discoverJwksUrl(issuer: string, timeoutMs: number, logger: Logger): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const document = await fetchDiscoveryDocument(url, timeoutMs);

  if (document.issuer !== issuer) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `discovery document at ${url} names issuer "${String(document.issuer)}", not "${issuer}": set the issuer exactly as the provider writes it into tokens`,
    );
  }
  const jwksUrl = document.jwks_uri;
  if (typeof jwksUrl !== 'string' || !/^https?:\/\//.test(jwksUrl)) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `discovery document at ${url} has no http(s) jwks_uri (got ${JSON.stringify(jwksUrl)}): set jwksUrl explicitly`,
    );
  }
  logger.info({ issuer, jwksUrl }, 'discovery document loaded');

  return jwksUrl;
}

async function fetchDiscoveryDocument(url: string, timeoutMs: number): Promise<DiscoveryDocument> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) {
      throw new Error(`HTTP status ${response.status}`);
    }

    return (await response.json()) as DiscoveryDocument;
  } catch (error) {
    throw new AppError(
      ErrorCode.UNAVAILABLE,
      `discovery document ${url} could not be loaded: ${(error as Error).message}; check that the identity provider is reachable and the issuer URL is right`,
      { cause: error, retriable: true },
    );
  }
}
