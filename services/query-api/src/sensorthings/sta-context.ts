import { AppError, ErrorCode, type Principal } from '@stadtdaten/contracts';

/** Facts of one SensorThings request that every handler uses. */
export interface StaContext {
  tenant: string;
  principal: Principal | undefined;
  /** Service root of the tenant, e.g. `https://host/sta/v1.1/tenants/darmstadt`. */
  baseUrl: string;
  /** Time of the request, UTC epoch ms; now() in $filter returns it. */
  nowMs: number;
}

/** URL path prefix of the SensorThings API; the tenant follows as `/tenants/<tenant>`. */
export const STA_PREFIX = 'sta/v1.1';

/**
 * Writes an id in a resource path: single quotes doubled, then percent-encoded except for the
 * characters RFC 3986 allows in a path segment, such as `@`, `:` and `.`.
 */
export function entityKey(id: string): string {
  const encoded = encodeURIComponent(id.replace(/'/g, "''")).replace(/%40/g, '@').replace(/%3A/g, ':');

  return `('${encoded}')`;
}

export function selfLinkOf(context: StaContext, entitySet: string, id: string): string {
  return `${context.baseUrl}/${entitySet}${entityKey(id)}`;
}

/** Builds a link with query options; values are percent-encoded, keys keep their `$`. */
export function linkWithOptions(url: string, options: Record<string, string>): string {
  const query = Object.entries(options)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');

  return query === '' ? url : `${url}?${query}`;
}

/** Splits the raw URL into the percent-decoded resource path after the tenant and the raw query string. */
export function splitUrl(originalUrl: string): { path: string; query: string } {
  const mark = originalUrl.indexOf('?');
  const rawPath = mark < 0 ? originalUrl : originalUrl.slice(0, mark);
  const rest = /^\/sta\/v1\.1\/tenants\/[^/]+\/?(.*)$/.exec(rawPath)?.[1] ?? '';
  try {
    return { path: decodeURIComponent(rest), query: mark < 0 ? '' : originalUrl.slice(mark + 1) };
  } catch {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `the path "${rest}" has an invalid percent-encoding; encode each special character once`,
    );
  }
}
