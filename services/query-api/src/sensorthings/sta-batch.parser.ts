import { AppError, ErrorCode } from '@stadtdaten/contracts';

/**
 * Reads a batch request in the JSON format of OData JSON Format 4.01, section 19:
 * `{"requests": [{"id", "method", "url", "headers"?, "body"?, "dependsOn"?, "atomicityGroup"?}]}`.
 */

export const BATCH_METHODS = ['get', 'post', 'patch', 'delete', 'put'] as const;
export type BatchMethod = (typeof BATCH_METHODS)[number];

/** One inner request of a batch, checked. Header names are lower case. */
export interface BatchRequest {
  id: string;
  method: BatchMethod;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Ids of earlier requests that must succeed before this one runs. */
  dependsOn: string[];
}

const REQUEST_MEMBERS = ['id', 'method', 'url', 'headers', 'body', 'dependsOn', 'atomicityGroup'];
/** Problems named in one error message; the rest are counted. */
const MAX_LISTED_PROBLEMS = 10;

/**
 * Checks a batch body and returns its requests in order. Throws VALIDATION_FAILED naming each
 * invalid value and its fix, and a separate VALIDATION_FAILED when a request has an atomicityGroup.
 */
export function parseBatch(body: unknown, maxRequests: number): BatchRequest[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('requests' in body)) {
    throw invalidBatch(['the body must be a JSON object {"requests": [...]} with one object per request']);
  }
  const { requests } = body as { requests: unknown };
  const problems = Object.keys(body)
    .filter((name) => name !== 'requests' && !name.startsWith('@'))
    .map(
      (name) =>
        `unknown member "${name.slice(0, 80)}" of the batch: only "requests" and annotations are allowed`,
    );
  if (!Array.isArray(requests)) {
    throw invalidBatch([...problems, '"requests" must be an array of request objects']);
  }
  if (requests.length > maxRequests) {
    throw invalidBatch([
      `the batch has ${requests.length} requests, more than the maximum of ${maxRequests}: split it into several batches`,
    ]);
  }
  rejectAtomicityGroups(requests);

  const parsed: BatchRequest[] = [];
  const seen = new Set<string>();
  requests.forEach((request, index) => {
    const result = parseRequest(request, index, seen);
    problems.push(...result.problems);
    if (result.request !== undefined) {
      parsed.push(result.request);
      seen.add(result.request.id);
    }
  });
  if (problems.length > 0) {
    throw invalidBatch(problems);
  }

  return parsed;
}

/**
 * NOTE: atomicity groups are rejected because a group cannot be made atomic here: registry
 * writes run in one transaction each, and observations are appended to the event log, which
 * cannot take them back.
 */
function rejectAtomicityGroups(requests: unknown[]): void {
  const grouped = requests.filter(
    (request): request is { id?: unknown; atomicityGroup: unknown } =>
      typeof request === 'object' && request !== null && 'atomicityGroup' in request,
  );
  if (grouped.length === 0) {
    return;
  }
  const ids = grouped.slice(0, MAX_LISTED_PROBLEMS).map((request) => JSON.stringify(request.id));
  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `atomicityGroup is not supported (requests ${ids.join(', ')}), because registry writes and observations cannot be applied in one transaction here; ` +
      'nothing in this batch was run. Remove atomicityGroup: each request then takes effect on its own, and dependsOn skips requests after a failed one',
  );
}

function parseRequest(
  value: unknown,
  index: number,
  earlierIds: ReadonlySet<string>,
): { request?: BatchRequest; problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [`requests[${index}] must be an object with "id", "method" and "url"`] };
  }
  const request = value as Record<string, unknown>;
  const label =
    typeof request.id === 'string' ? `request "${request.id.slice(0, 80)}"` : `requests[${index}]`;
  const problems: string[] = [];
  for (const name of Object.keys(request).filter((member) => !REQUEST_MEMBERS.includes(member))) {
    problems.push(
      name === 'if'
        ? `${label}: "if" is not supported; send the condition as a request of its own and use dependsOn`
        : `${label}: unknown member "${name.slice(0, 80)}"; a request has ${REQUEST_MEMBERS.map((member) => `"${member}"`).join(', ')}`,
    );
  }

  const id = request.id;
  if (typeof id !== 'string' || id === '') {
    problems.push(
      `requests[${index}]: "id" must be a non-empty string that no other request of the batch has`,
    );
  } else if (earlierIds.has(id)) {
    problems.push(`${label}: the id is used by an earlier request; give each request its own id`);
  }
  const method = typeof request.method === 'string' ? request.method.toLowerCase() : undefined;
  if (!BATCH_METHODS.includes(method as BatchMethod)) {
    problems.push(
      `${label}: "method" is ${JSON.stringify(request.method) ?? 'missing'}; use one of ${BATCH_METHODS.join(', ')}`,
    );
  }
  const url = request.url;
  if (typeof url !== 'string' || url.trim() === '') {
    problems.push(
      `${label}: "url" must be a non-empty string, e.g. "Things" or "Datastreams('id')/Observations"`,
    );
  } else if (/(^|\/)\$batch(\/|\?|$)/.test(url)) {
    problems.push(`${label}: a batch cannot contain another batch; send the inner requests in this one`);
  }
  const headers = headersOf(request.headers, label, problems);
  if (request.body !== undefined && (method === 'get' || method === 'delete')) {
    problems.push(`${label}: a ${method.toUpperCase()} request takes no "body"; remove it`);
  }
  const dependsOn = dependsOnOf(request.dependsOn, label, earlierIds, problems);
  if (problems.length > 0) {
    return { problems };
  }

  return {
    request: {
      id: id as string,
      method: method as BatchMethod,
      url: url as string,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      dependsOn,
    },
    problems,
  };
}

function headersOf(value: unknown, label: string, problems: string[]): Record<string, string> {
  if (value === undefined) {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${label}: "headers" must be an object of header names and string values`);

    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    const key = name.toLowerCase();
    if (typeof header !== 'string') {
      problems.push(`${label}: header "${name.slice(0, 80)}" must be a string`);
    } else if (key === 'authorization') {
      problems.push(
        `${label}: the token of the batch request applies to every request in it; remove the "authorization" header`,
      );
    } else if (key === 'content-type' && !/^application\/json\b/i.test(header)) {
      problems.push(
        `${label}: content-type "${header.slice(0, 80)}" is not supported; send the body as JSON`,
      );
    } else {
      headers[key] = header;
    }
  }

  return headers;
}

function dependsOnOf(
  value: unknown,
  label: string,
  earlierIds: ReadonlySet<string>,
  problems: string[],
): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    problems.push(`${label}: "dependsOn" must be an array of ids of earlier requests`);

    return [];
  }
  for (const entry of value as string[]) {
    if (!earlierIds.has(entry)) {
      problems.push(
        `${label}: dependsOn names "${entry.slice(0, 80)}", which is not the id of an earlier request; a request may only depend on requests before it`,
      );
    }
  }

  return value as string[];
}

function invalidBatch(problems: string[]): AppError {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length > listed.length ? `; and ${problems.length - listed.length} more` : '';

  return new AppError(ErrorCode.VALIDATION_FAILED, `invalid batch: ${listed.join('; ')}${more}`);
}
