import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Logger } from 'pino';
import { Agent, fetch } from 'undici';

interface DiscoveryDocument {
  issuer?: unknown;
  jwks_uri?: unknown;
}

/**
 * Reads `jwks_uri` from the issuer's OpenID Connect discovery document
 * (`<issuer>/.well-known/openid-configuration`). An https issuer's certificate must chain to
 * `ca` where it is set, else to Node.js' built-in CAs. Throws a retriable UNAVAILABLE when the
 * document cannot be loaded, and INVALID_CONFIG when it names another issuer or no usable
 * `jwks_uri`.
 */
export async function discoverJwksUrl(
  issuer: string,
  timeoutMs: number,
  logger: Logger,
  ca?: string | Buffer,
): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const document = await fetchDiscoveryDocument(url, timeoutMs, ca);

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

async function fetchDiscoveryDocument(
  url: string,
  timeoutMs: number,
  ca: string | Buffer | undefined,
): Promise<DiscoveryDocument> {
  // One connection pool per discovery, closed afterwards: discovery runs once per verifier.
  const dispatcher = new Agent(ca === undefined ? {} : { connect: { ca } });
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
      dispatcher,
    });
    if (!response.ok) {
      throw new Error(`HTTP status ${response.status}`);
    }

    return (await response.json()) as DiscoveryDocument;
  } catch (error) {
    throw new AppError(
      ErrorCode.UNAVAILABLE,
      `discovery document ${url} could not be loaded: ${failureText(error)}; check that the identity provider is reachable, the issuer URL is right and, for a private CA, that the ca option names it`,
      { cause: error, retriable: true },
    );
  } finally {
    await dispatcher.close();
  }
}

/** Returns the error message with the cause's, because undici's fetch reports only "fetch failed" itself. */
function failureText(error: unknown): string {
  const { message, cause } = error as { message?: unknown; cause?: { message?: unknown } };
  const text = typeof message === 'string' ? message : String(error);

  return typeof cause?.message === 'string' ? `${text} (${cause.message})` : text;
}
