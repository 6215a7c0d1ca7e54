import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, request } from 'undici';
import type { ConnectorSource } from '../config/connector-config.schema';
import { ConnectorFetchError } from './connector-fetch.error';

/** Validators of the last answer, sent back so that an unchanged source answers 304. */
export interface ConditionalState {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { kind: 'body'; bytes: Uint8Array; conditional: ConditionalState; attempts: number }
  | { kind: 'not-modified'; attempts: number };

export interface HttpFetcherOptions {
  /** Reads `env:NAME` header values; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Waits between attempts; replaced in tests that check the backoff. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, delayMs: number, error: ConnectorFetchError) => void;
}

const MAX_RETRY_AFTER_MS = 60_000;
const ENV_PREFIX = 'env:';

/**
 * GET with conditional headers, a timeout per attempt, a size limit that stops reading as
 * soon as it is passed, and retries with exponential backoff and full jitter for network
 * errors, timeouts, truncated bodies, 429 and 5xx. Other 4xx answers fail at once, because
 * repeating the same request cannot change them.
 */
export class HttpFetcher {
  private readonly env: Record<string, string | undefined>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: HttpFetcherOptions = {}) {
    this.env = options.env ?? process.env;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async fetch(url: string, source: ConnectorSource, state: ConditionalState, signal?: AbortSignal): Promise<FetchOutcome> {
    const headers = this.requestHeaders(source, state);
    const dispatcher = this.dispatcherFor(source);
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.attempt(url, source, headers, dispatcher, attempt, signal);
        } catch (error) {
          const failure = asFetchError(error, url, source);
          if (!failure.retriable || attempt > source.retries || signal?.aborted === true) {
            throw failure;
          }
          const delayMs = this.backoffMs(attempt, source.retryBaseMs, failure);
          this.options.onRetry?.(attempt, delayMs, failure);
          await this.sleep(delayMs);
        }
      }
    } finally {
      await dispatcher?.close();
    }
  }

  private async attempt(
    url: string,
    source: ConnectorSource,
    headers: Record<string, string>,
    dispatcher: Dispatcher | undefined,
    attempt: number,
    outer?: AbortSignal,
  ): Promise<FetchOutcome> {
    const timeoutMs = source.timeoutSeconds * 1000;
    const signals = [AbortSignal.timeout(timeoutMs), ...(outer === undefined ? [] : [outer])];
    const response = await request(url, {
      method: 'GET',
      headers,
      dispatcher,
      signal: AbortSignal.any(signals),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);

    if (response.statusCode === 304) {
      await response.body.dump();
      return { kind: 'not-modified', attempts: attempt };
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const retryAfter = response.headers['retry-after'];
      await response.body.dump();
      const retriable = response.statusCode === 429 || response.statusCode >= 500;
      const error = new ConnectorFetchError(
        `GET ${url} answered ${response.statusCode}${retriable ? '' : '; check the URL and the credentials in the connector source'}`,
        { retriable, status: response.statusCode },
      );
      (error as RetryAfterError).retryAfterMs = parseRetryAfter(retryAfter);
      throw error;
    }

    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > source.maxBytes) {
      discard(response.body);
      throw tooLarge(url, declared, source.maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).byteLength;
      if (size > source.maxBytes) {
        discard(response.body);
        throw tooLarge(url, size, source.maxBytes);
      }
      chunks.push(chunk as Buffer);
    }
    if (Number.isFinite(declared) && size !== declared) {
      throw new ConnectorFetchError(`GET ${url} ended after ${size} of ${declared} bytes`, { retriable: true });
    }

    return {
      kind: 'body',
      bytes: new Uint8Array(Buffer.concat(chunks, size)),
      conditional: {
        etag: headerText(response.headers.etag),
        lastModified: headerText(response.headers['last-modified']),
      },
      attempts: attempt,
    };
  }

  private requestHeaders(source: ConnectorSource, state: ConditionalState): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': 'stadtdaten-connector' };
    for (const [name, value] of Object.entries(source.headers ?? {})) {
      headers[name.toLowerCase()] = this.resolveValue(name, value);
    }
    if (state.etag !== undefined) {
      headers['if-none-match'] = state.etag;
    }
    if (state.lastModified !== undefined) {
      headers['if-modified-since'] = state.lastModified;
    }

    return headers;
  }

  private resolveValue(header: string, value: string): string {
    if (!value.startsWith(ENV_PREFIX)) {
      return value;
    }
    const name = value.slice(ENV_PREFIX.length);
    const resolved = this.env[name];
    if (resolved === undefined || resolved === '') {
      throw new ConnectorFetchError(
        `header ${header} reads the environment variable ${name}, which is not set; set it before the connector runs`,
        { retriable: false },
      );
    }

    return resolved;
  }

  private dispatcherFor(source: ConnectorSource): Agent | undefined {
    const certificate = source.clientCertificate;
    if (certificate === undefined) {
      return undefined;
    }
    const read = (path: string, what: string) => {
      try {
        return readFileSync(path);
      } catch (error) {
        throw new ConnectorFetchError(`cannot read the client ${what} ${path}: ${(error as Error).message}`, {
          retriable: false,
          cause: error,
        });
      }
    };

    return new Agent({
      connect: {
        cert: read(certificate.cert, 'certificate'),
        key: read(certificate.key, 'key'),
        ...(certificate.ca === undefined ? {} : { ca: read(certificate.ca, 'CA certificate') }),
      },
    });
  }

  private backoffMs(attempt: number, baseMs: number, error: ConnectorFetchError): number {
    const jittered = Math.floor(this.random() * baseMs * 2 ** (attempt - 1));
    const retryAfter = (error as RetryAfterError).retryAfterMs;

    return retryAfter === undefined ? jittered : Math.max(jittered, Math.min(retryAfter, MAX_RETRY_AFTER_MS));
  }
}

/** Stops reading a body; the abort error that undici then emits is expected, not a failure. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

type RetryAfterError = ConnectorFetchError & { retryAfterMs?: number };

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = headerText(value);
  if (text === undefined) {
    return undefined;
  }
  const seconds = Number(text);
  if (Number.isFinite(seconds)) {
    return seconds * 1000;
  }
  const date = Date.parse(text);

  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function tooLarge(url: string, size: number, limit: number): ConnectorFetchError {
  return new ConnectorFetchError(
    `GET ${url} returned more than ${limit} bytes (${size} so far); raise source.maxBytes if the source is really that large`,
    { retriable: false },
  );
}

function asFetchError(error: unknown, url: string, source: ConnectorSource): ConnectorFetchError {
  if (error instanceof ConnectorFetchError) {
    return error;
  }
  const cause = error as Error & { code?: string };
  if (cause.name === 'TimeoutError' || cause.code === 'UND_ERR_HEADERS_TIMEOUT' || cause.code === 'UND_ERR_BODY_TIMEOUT') {
    return new ConnectorFetchError(
      `GET ${url} took longer than ${source.timeoutSeconds} s; raise source.timeoutSeconds or check the source`,
      { retriable: true, cause: error },
    );
  }
  if (cause.name === 'AbortError') {
    return new ConnectorFetchError(`GET ${url} was cancelled`, { retriable: false, cause: error });
  }

  return new ConnectorFetchError(`GET ${url} failed: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`, {
    retriable: true,
    cause: error,
  });
}
