import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { BatchRequest } from './sta-batch.parser';
import { STA_PREFIX, type StaContext, splitUrl } from './sta-context';

/** Result of an earlier request, which later requests of the same batch may refer to. */
export interface BatchOutcome {
  status: number;
  /** Path of the created or returned entity below the service root, such as `Things('x')`. */
  entityPath?: string;
  /** `@iot.id` of that entity. */
  entityId?: string;
}

/**
 * Replaces a first URL segment `$<id>` with the path of the entity that the earlier request
 * `<id>` created or returned (OData JSON Format 4.01, section 19.1). That request must be listed in
 * dependsOn. Other segments that start with `$` stay as they are.
 */
export function resolveUrlReference(
  request: BatchRequest,
  outcomes: ReadonlyMap<string, BatchOutcome>,
): string {
  const match = /^\$([^/?]+)(.*)$/s.exec(request.url);
  const referenced = match === null ? undefined : outcomes.get(match[1]!);
  if (match === null || referenced === undefined) {
    return request.url;
  }
  if (!request.dependsOn.includes(match[1]!)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `the url "${request.url.slice(0, 200)}" refers to request "${match[1]}"; add "${match[1]}" to dependsOn`,
    );
  }
  if (referenced.entityPath === undefined) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `the url "${request.url.slice(0, 200)}" refers to request "${match[1]}", which returned no entity; refer to a request that creates or reads one entity`,
    );
  }

  return `${referenced.entityPath}${match[2]}`;
}

/**
 * Copies a request body with each `"@iot.id": "$<id>"` of an earlier request replaced by the id
 * of the entity that request created or returned, as in `{"Thing": {"@iot.id": "$thing1"}}`.
 * A `$<id>` that names no earlier request stays as it is.
 */
export function resolveBodyReferences(body: unknown, outcomes: ReadonlyMap<string, BatchOutcome>): unknown {
  if (Array.isArray(body)) {
    return body.map((item) => resolveBodyReferences(item, outcomes));
  }
  if (typeof body !== 'object' || body === null) {
    return body;
  }

  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => {
      if (name === '@iot.id' && typeof value === 'string' && value.startsWith('$')) {
        return [name, referencedId(value, outcomes)];
      }

      return [name, resolveBodyReferences(value, outcomes)];
    }),
  );
}

function referencedId(reference: string, outcomes: ReadonlyMap<string, BatchOutcome>): string {
  const outcome = outcomes.get(reference.slice(1));
  if (outcome === undefined) {
    return reference;
  }
  if (outcome.entityId === undefined) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `"@iot.id": "${reference}" refers to a request that returned no entity; refer to a request that creates or reads one entity`,
    );
  }

  return outcome.entityId;
}

/** Ids of the earlier requests that a body refers to with `"@iot.id": "$<id>"`. */
export function bodyReferences(body: unknown, outcomes: ReadonlyMap<string, BatchOutcome>): string[] {
  const found: string[] = [];
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) {
      continue;
    }
    for (const [name, value] of Object.entries(node)) {
      if (
        name === '@iot.id' &&
        typeof value === 'string' &&
        value.startsWith('$') &&
        outcomes.has(value.slice(1))
      ) {
        found.push(value.slice(1));
      } else {
        pending.push(value);
      }
    }
  }

  return found;
}

/**
 * Splits the URL of an inner request into the resource path below the tenant's service root and
 * the query. The URL is relative to the service root, an absolute path, or a full URL, and must
 * stay within the service root of the batch's tenant.
 */
export function targetOf(context: StaContext, url: string): { path: string; query: string } {
  const root = `/${STA_PREFIX}/tenants/${encodeURIComponent(context.tenant)}`;
  const origin = context.baseUrl.slice(0, context.baseUrl.length - root.length);
  let pathAndQuery: string;
  if (url.startsWith(origin + '/')) {
    pathAndQuery = url.slice(origin.length);
  } else if (url.startsWith('/')) {
    pathAndQuery = url;
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw outsideRoot(url, root);
  } else {
    pathAndQuery = `${root}/${url}`;
  }
  if (pathAndQuery !== root && !pathAndQuery.startsWith(`${root}/`) && !pathAndQuery.startsWith(`${root}?`)) {
    throw outsideRoot(url, root);
  }

  return splitUrl(pathAndQuery);
}

/** Returns the path of an entity below the service root from its selfLink, or undefined for other links. */
export function entityPathOf(context: StaContext, selfLink: unknown): string | undefined {
  if (typeof selfLink !== 'string' || !selfLink.startsWith(`${context.baseUrl}/`)) {
    return undefined;
  }
  const path = selfLink.slice(context.baseUrl.length + 1);

  return /^[A-Za-z]+\('.*'\)$/s.test(path) ? path : undefined;
}

function outsideRoot(url: string, root: string): AppError {
  return new AppError(
    ErrorCode.VALIDATION_FAILED,
    `the url "${url.slice(0, 200)}" lies outside the service root ${root} of this batch; give it relative to the service root, e.g. "Things", and send requests of another tenant to that tenant's $batch`,
  );
}
