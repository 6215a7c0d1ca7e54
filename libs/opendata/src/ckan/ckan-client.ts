import { setTimeout as sleep } from 'node:timers/promises';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';

export interface CkanClientOptions {
  /** Base URL of the portal, without /api/3. */
  url: string;
  /** API token, sent in the Authorization header; it never appears in an error or log line. */
  apiKey: string;
  /** Attempts per call on a 5xx, 429 or network error, the first included. */
  attempts: number;
  /** Wait before the first retry in milliseconds; it doubles with every further retry. */
  retryBaseMs: number;
  timeoutMs: number;
  /** Called before each retry, for logs and metrics. */
  onRetry?: (retry: { action: string; attempt: number; delayMs: number; error: CkanError }) => void;
  /** Called after each call with its outcome. */
  onCall?: (call: { action: string; ok: boolean }) => void;
}

/** A failed call of CKAN's Action API. */
export class CkanError extends OpenDataError {
  constructor(
    readonly action: string,
    message: string,
    readonly status: number | undefined,
    /** CKAN's error type, e.g. "Not Found Error" or "Validation Error". */
    readonly errorType: string | undefined,
    retriable: boolean,
    cause?: unknown,
  ) {
    super(OpenDataErrorCode.CKAN_REQUEST_FAILED, message, { retriable, cause, details: { action, status, errorType } });
  }

  get notFound(): boolean {
    return this.status === 404 || this.errorType === 'Not Found Error';
  }
}

interface ActionResponse {
  success?: boolean;
  result?: unknown;
  error?: { __type?: string; message?: string } & Record<string, unknown>;
}

/**
 * Calls CKAN's Action API (POST /api/3/action/<action> with a JSON body). Responses are the
 * documented envelope `{ success, result }` or `{ success: false, error }`. 5xx and 429
 * responses and network errors are retried with exponential backoff; other errors are not.
 */
export class CkanClient {
  constructor(private readonly options: CkanClientOptions) {}

  async call<T>(action: string, body: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.callOnce(action, body);
        this.options.onCall?.({ action, ok: true });

        return result as T;
      } catch (error) {
        const failure = error as CkanError;
        this.options.onCall?.({ action, ok: false });
        if (!failure.retriable || attempt >= this.options.attempts) {
          throw failure;
        }
        const delayMs = this.options.retryBaseMs * 2 ** (attempt - 1);
        this.options.onRetry?.({ action, attempt, delayMs, error: failure });
        await sleep(delayMs);
      }
    }
  }

  /** Returns the package, or undefined when the portal has none of that name. */
  async showPackage<T>(name: string): Promise<T | undefined> {
    try {
      return await this.call<T>('package_show', { id: name });
    } catch (error) {
      if (error instanceof CkanError && error.notFound) {
        return undefined;
      }
      throw error;
    }
  }

  private async callOnce(action: string, body: Record<string, unknown>): Promise<unknown> {
    const url = `${this.options.url}/api/3/action/${action}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: this.options.apiKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new CkanError(action, `CKAN ${action} at ${url} failed: ${reason}`, undefined, undefined, true, error);
    }

    const text = await response.text();
    const envelope = parseEnvelope(text);
    if (response.ok && envelope?.success === true) {
      return envelope.result;
    }
    const retriable = response.status >= 500 || response.status === 429;
    const errorType = envelope?.error?.__type;
    const detail = envelope?.error === undefined ? text.slice(0, 200) : describeCkanError(envelope.error);
    const status = `status ${response.status}${errorType ? ` (${errorType})` : ''}`;
    throw new CkanError(action, `CKAN ${action} at ${url} failed with ${status}: ${detail}`, response.status, errorType, retriable);
  }
}

function parseEnvelope(text: string): ActionResponse | undefined {
  try {
    const value: unknown = JSON.parse(text);

    return typeof value === 'object' && value !== null ? (value as ActionResponse) : undefined;
  } catch {
    return undefined;
  }
}

/** CKAN puts a message in `message`, or (validation errors) a list of problems per field. */
function describeCkanError(error: NonNullable<ActionResponse['error']>): string {
  if (typeof error.message === 'string') {
    return error.message;
  }
  const fields = Object.entries(error)
    .filter(([key]) => key !== '__type')
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join('; ') : JSON.stringify(value)}`);

  return fields.join(', ') || 'no detail';
}
