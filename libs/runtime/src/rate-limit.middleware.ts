import { Injectable, type NestMiddleware, Optional } from '@nestjs/common';
import { TokenVerifier, bearerToken, verifyForRequest } from '@stadtdaten/auth';
import { rateLimitSettings } from '@stadtdaten/config';
import { Clock } from '@stadtdaten/contracts';
import { Metrics, ProcessLogger } from '@stadtdaten/observability';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import { PROBLEMS, preferredLanguage } from './problem-messages';
import { TokenBucketRateLimiter } from './rate-limiter';

/**
 * Per-client request limit of the HTTP edge (STADTDATEN_RATE_LIMIT_PER_SECOND and
 * STADTDATEN_RATE_LIMIT_BURST). Provide it from a global module to override the defaults.
 */
export class RateLimitOptions {
  /** Requests per second one client may send on average; 0 turns the limit off. */
  perSecond!: number;
  /** Requests one client may send at once. */
  burst!: number;

  /** Reads the two settings from a parsed configuration that includes rateLimitSettings. */
  static fromSettings(config: { STADTDATEN_RATE_LIMIT_PER_SECOND: number; STADTDATEN_RATE_LIMIT_BURST: number }) {
    return { perSecond: config.STADTDATEN_RATE_LIMIT_PER_SECOND, burst: config.STADTDATEN_RATE_LIMIT_BURST };
  }

  /** The defaults of rateLimitSettings. */
  static defaults(): RateLimitOptions {
    return {
      perSecond: rateLimitSettings.STADTDATEN_RATE_LIMIT_PER_SECOND.parse(undefined),
      burst: rateLimitSettings.STADTDATEN_RATE_LIMIT_BURST.parse(undefined),
    };
  }
}

/** Paths that monitoring polls; they are never limited, so probes keep working during a flood. */
export function isUnlimitedPath(path: string): boolean {
  return path === '/metrics' || path.startsWith('/health/');
}

const GERMAN_DETAIL = 'Zu viele Anfragen von diesem Client; bitte nach der im Header "Retry-After" genannten Zahl von Sekunden erneut versuchen.';

interface Client {
  key: string;
  kind: 'subject' | 'address';
  tenant?: string;
}

/**
 * Limits requests per client with a token bucket and responds 429 with Retry-After beyond it.
 * A client is the subject of a valid bearer token, else the client address. A token that
 * fails verification counts against the address, so forged tokens cannot open new buckets.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly limiter: TokenBucketRateLimiter;
  private readonly options: RateLimitOptions;
  private readonly limitedRequests: Counter<'client'>;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly logger: ProcessLogger,
    clock: Clock,
    metrics: Metrics,
    @Optional() options?: RateLimitOptions,
  ) {
    this.options = options ?? RateLimitOptions.defaults();
    this.limiter = new TokenBucketRateLimiter(this.options, clock);
    this.limitedRequests = limitedRequestsCounter(metrics);
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (!this.limiter.enabled || isUnlimitedPath(request.originalUrl.split('?')[0]!)) {
      next();

      return;
    }

    const client = await this.clientOf(request);
    const decision = this.limiter.take(client.key);
    if (decision.allowed) {
      next();

      return;
    }

    this.limitedRequests.inc({ client: client.kind });
    if (decision.firstRejection) {
      // Once per episode; the counter above counts every rejected request.
      this.logger.root.info(
        { client: client.kind, tenant: client.tenant, retryAfterSeconds: decision.retryAfterSeconds },
        'client rate limited',
      );
    }
    this.reject(request, response, decision.retryAfterSeconds);
  }

  private async clientOf(request: Request): Promise<Client> {
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined) {
      try {
        const principal = await verifyForRequest(request, token, this.verifier);

        return { key: `subject:${principal.tenant}/${principal.subject}`, kind: 'subject', tenant: principal.tenant };
      } catch {
        // The auth guard rejects this token; until then the request counts against its address.
      }
    }

    // NOTE: behind a reverse proxy every client has the proxy's address unless Express's
    // "trust proxy" setting names that proxy, so anonymous callers then share one bucket.
    return { key: `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`, kind: 'address' };
  }

  private reject(request: Request, response: Response, retryAfterSeconds: number): void {
    const language = preferredLanguage(request.headers['accept-language']);
    const message =
      `too many requests from this client (limit: ${this.options.burst} at once, ` +
      `${this.options.perSecond} per second): retry after ${retryAfterSeconds} s`;

    response
      .status(429)
      .setHeader('Retry-After', String(retryAfterSeconds))
      .type('application/problem+json')
      .json({
        type: 'https://stadtdaten.example/problems/rate-limited',
        title: PROBLEMS.RATE_LIMITED![language],
        status: 429,
        detail: language === 'de' ? `${GERMAN_DETAIL} (${message})` : message,
        code: 'RATE_LIMITED',
        instance: request.originalUrl,
      });
  }
}

const LIMITED_METRIC = 'stadtdaten_http_rate_limited_total';

function limitedRequestsCounter(metrics: Metrics): Counter<'client'> {
  const existing = metrics.registry.getSingleMetric(LIMITED_METRIC);

  return (
    (existing as Counter<'client'> | undefined) ??
    new Counter({
      name: LIMITED_METRIC,
      help: 'HTTP requests rejected with 429 by the per-client rate limit, by client kind (subject or address)',
      labelNames: ['client'] as const,
      registers: [metrics.registry],
    })
  );
}
