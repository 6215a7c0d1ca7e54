import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { Agent, type Response, fetch } from 'undici';

/** One series of a statement result, as InfluxDB's /query returns it with `epoch=ms`. */
export interface InfluxSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface RawStatementResult {
  statement_id?: number;
  series?: Array<InfluxSeries & { partial?: boolean }>;
  error?: string;
  partial?: boolean;
}

export interface InfluxHttpClientOptions {
  url: string;
  /** PEM CA certificate(s) for the server certificate of an https url. */
  ca?: string | Buffer;
  username?: string;
  password?: string;
  requestTimeoutMs: number;
}

/** Rows per chunk of a chunked /query response; InfluxDB 1.x's default. */
const CHUNK_SIZE = 10_000;

/** Statement errors that mean the database or retention policy was dropped since it was listed. */
const MISSING_SOURCE = /^(database not found|retention policy not found)/;

/**
 * Client of InfluxDB's v1-compatible HTTP API (`/ping`, `/write`, `/query`), which InfluxDB
 * 1.x, 2.x and 3.x serve. Network failures, timeouts, 429 and 5xx become retriable AppErrors
 * (UNAVAILABLE); other 4xx become non-retriable ones that name InfluxDB's error text. Requests
 * go through undici with a connection pool of this client's own, which trusts `ca` over
 * Node.js' built-in CAs where it is set.
 */
export class InfluxHttpClient {
  private readonly baseUrl: URL;
  private readonly authorization: string | undefined;
  private dispatcher: Agent | undefined;

  constructor(private readonly options: InfluxHttpClientOptions) {
    this.baseUrl = new URL(options.url);
    this.authorization =
      options.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }

  /** The server URL without credentials, for logs and messages. */
  get displayUrl(): string {
    const url = new URL(this.baseUrl);
    url.username = '';
    url.password = '';

    return url.origin + url.pathname.replace(/\/$/, '');
  }

  /** Sends GET /ping; returns the status and the `X-Influxdb-Version` header. */
  async ping(timeoutMs: number): Promise<{ status: number; version: string | undefined }> {
    const response = await this.send('ping', this.endpoint('ping', {}), { method: 'GET' }, timeoutMs);
    await response.body?.cancel();

    return { status: response.status, version: response.headers.get('x-influxdb-version') ?? undefined };
  }

  /**
   * Writes line protocol with millisecond timestamps. Returns the number of points InfluxDB
   * dropped because they are older than the retention policy keeps; those need no retry.
   */
  async write(
    database: string,
    retentionPolicy: string | undefined,
    body: string,
  ): Promise<{ droppedBeyondRetention: number }> {
    const parameters: Record<string, string> = { db: database, precision: 'ms' };
    if (retentionPolicy !== undefined) parameters.rp = retentionPolicy;
    const operation = `write to database "${database}"`;
    const response = await this.send(operation, this.endpoint('write', parameters), {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
    });
    if (response.status === 204 || response.status === 200) {
      await response.body?.cancel();

      return { droppedBeyondRetention: 0 };
    }

    const serverError = await readErrorText(response);
    const beyondRetention = /^partial write: points beyond retention policy dropped=(\d+)$/.exec(serverError);
    if (response.status === 400 && beyondRetention !== null) {
      return { droppedBeyondRetention: Number(beyondRetention[1]) };
    }
    throw httpError(operation, response.status, serverError, { database, retentionPolicy });
  }

  /**
   * Runs one or more `;`-separated InfluxQL statements and returns the series of each, in
   * statement order. A statement that fails because its database or retention policy is gone
   * yields `undefined`; any other statement error throws.
   */
  async query(statements: string[], database?: string): Promise<Array<InfluxSeries[] | undefined>> {
    const parameters: Record<string, string> = {
      epoch: 'ms',
      chunked: 'true',
      chunk_size: String(CHUNK_SIZE),
    };
    if (database !== undefined) parameters.db = database;
    const operation = 'query';
    const response = await this.send(operation, this.endpoint('query', parameters), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q: statements.join(';\n') }).toString(),
    });
    const text = await this.readBody(operation, response);
    if (response.status !== 200) {
      throw httpError(operation, response.status, errorTextOf(text), { statement: statements[0] });
    }

    return mergeChunks(text, statements);
  }

  /** Closes the pooled connections; a later request opens new ones. */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close();
  }

  private endpoint(path: string, parameters: Record<string, string>): URL {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
    const url = new URL(path, base);
    url.username = '';
    url.password = '';
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);

    return url;
  }

  private async send(
    operation: string,
    url: URL,
    init: { method: string; headers?: Record<string, string>; body?: string },
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    this.dispatcher ??= new Agent(this.options.ca === undefined ? {} : { connect: { ca: this.options.ca } });
    try {
      return await fetch(url, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      throw this.networkError(operation, error, timeoutMs);
    }
  }

  private async readBody(operation: string, response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw this.networkError(operation, error, this.options.requestTimeoutMs);
    }
  }

  private networkError(operation: string, error: unknown, timeoutMs: number): AppError {
    // Checked by name: the DOMException of AbortSignal.timeout may come from another realm (jest's vm).
    const name = (error as { name?: unknown } | undefined)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : `failed: ${causeText(error)}`;

    return new AppError(
      ErrorCode.UNAVAILABLE,
      `InfluxDB ${operation} at ${this.displayUrl} ${reason}; check that InfluxDB is running and reachable`,
      { cause: error, retriable: true, details: { url: this.displayUrl, timeoutMs } },
    );
  }
}

function causeText(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  if (typeof message !== 'string') return String(error);

  return typeof cause?.message === 'string' ? `${message} (${cause.message})` : message;
}

async function readErrorText(response: Response): Promise<string> {
  try {
    return errorTextOf(await response.text());
  } catch {
    return '';
  }
}

/** Extracts `error` from InfluxDB's JSON error body, or returns the body as it is. */
function errorTextOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const text = parsed.error ?? parsed.message;
    if (typeof text === 'string') return text;
  } catch {
    // Not JSON: a proxy's or an older server's plain-text error.
  }

  return body.trim().slice(0, 500);
}

/** Maps an HTTP error status of InfluxDB to an AppError that names the cause. */
export function httpError(
  operation: string,
  status: number,
  serverError: string,
  details: Record<string, unknown>,
): AppError {
  const allDetails = { ...details, status, serverError };
  const statusText = serverError === '' ? `status ${status}` : `status ${status}: ${serverError}`;
  if (status === 429 || status >= 500) {
    return new AppError(ErrorCode.UNAVAILABLE, `InfluxDB ${operation} failed with ${statusText}; retry later`, {
      retriable: true,
      details: allDetails,
    });
  }
  if (status === 401 || status === 403) {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `InfluxDB rejected the credentials for ${operation} (${statusText}); check the username and password (or token) options`,
      { details: allDetails },
    );
  }
  if (/field type conflict/.test(serverError)) {
    return new AppError(
      ErrorCode.CONFLICT,
      `InfluxDB ${operation} failed with a field type conflict (${statusText}); another writer stored a field of the observations measurement with another type, so check what else writes to this database`,
      { details: allDetails },
    );
  }
  if (status === 404 && /database not found/.test(serverError)) {
    // A retry recreates the database when the store creates databases.
    return new AppError(
      ErrorCode.UNAVAILABLE,
      `InfluxDB ${operation} failed with ${statusText}; create the database or let the store create it`,
      {
        retriable: true,
        details: allDetails,
      },
    );
  }
  if (status === 413) {
    return new AppError(
      ErrorCode.VALIDATION_FAILED,
      `InfluxDB ${operation} failed with ${statusText}; lower writeBatchSize`,
      {
        details: allDetails,
      },
    );
  }

  return new AppError(ErrorCode.VALIDATION_FAILED, `InfluxDB ${operation} failed with ${statusText}`, {
    details: allDetails,
  });
}

/**
 * Parses a chunked /query response (one JSON object per line; a single object when the server
 * ignores `chunked`) and joins the chunks of each series. Chunks of one series follow each other
 * and carry the same name and tags.
 */
function mergeChunks(text: string, statements: string[]): Array<InfluxSeries[] | undefined> {
  const results: Array<InfluxSeries[] | undefined> = statements.map(() => []);
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const chunk = JSON.parse(line) as { results?: RawStatementResult[]; error?: string };
    if (chunk.error !== undefined) {
      throw httpError('query', 200, chunk.error, { statement: statements[0] });
    }
    for (const [position, result] of (chunk.results ?? []).entries()) {
      const index = result.statement_id ?? position;
      if (result.error !== undefined) {
        if (MISSING_SOURCE.test(result.error)) {
          results[index] = undefined;
          continue;
        }
        throw httpError('query', 400, result.error, { statement: statements[index] });
      }
      appendSeries(results, index, result.series ?? []);
    }
  }

  return results;
}

function appendSeries(
  results: Array<InfluxSeries[] | undefined>,
  index: number,
  series: InfluxSeries[],
): void {
  const target = results[index];
  if (target === undefined) return;
  for (const { name, tags, columns, values } of series) {
    const previous = target[target.length - 1];
    if (previous !== undefined && previous.name === name && sameTags(previous.tags, tags)) {
      previous.values.push(...(values ?? []));
    } else {
      target.push({ name, tags, columns, values: [...(values ?? [])] });
    }
  }
}

function sameTags(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}
