/** The parts of an OpenAPI 3.1 document that the hostile tests walk. */
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: { enum?: unknown[]; type?: string | string[] };
}

interface OpenApiOperationObject {
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { content?: Record<string, { schema?: { type?: string } }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: Array<Record<string, unknown>>;
}

interface OpenApiDocument {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown> & { servers?: Array<{ url: string }>; parameters?: OpenApiParameter[] }>;
  security?: Array<Record<string, unknown>>;
}

export interface Operation {
  method: string;
  /** Path template as the document writes it, e.g. `/tenants/{tenant}/things/{id}`. */
  path: string;
  /** Base URL of the path: the path item's server, else the document's. */
  serverUrl: string;
  parameters: OpenApiParameter[];
  /** Media types of the request body; empty without a body. */
  bodyTypes: string[];
  /** Schema type of the JSON request body, e.g. `array`. */
  jsonBodyType?: string;
  /** Whether the operation's security allows a call without a token. */
  allowsAnonymous: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function resolve<T>(document: unknown, value: T | { $ref: string }): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) {
    return value as T;
  }
  let node: unknown = document;
  for (const part of value.$ref.replace(/^#\//, '').split('/')) {
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }

  return node as T;
}

/** Tests whether an operation responds with server-sent events, a response that never ends. */
function isEventStream(operation: OpenApiOperationObject): boolean {
  return Object.values(operation.responses ?? {}).some((response) => 'text/event-stream' in (response.content ?? {}));
}

/**
 * Lists every operation of the document with its parameters resolved. Event streams are left
 * out, because the walkers read each response to its end; the dashboard module spec covers the
 * live stream, including that it sends public datastreams only.
 */
export function listOperations(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const serverUrl = item.servers?.[0]?.url ?? document.servers?.[0]?.url ?? '';
    for (const method of METHODS) {
      const operation = item[method] as OpenApiOperationObject | undefined;
      if (operation === undefined || isEventStream(operation)) {
        continue;
      }
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter) =>
        resolve<OpenApiParameter>(document, parameter),
      );
      const content = resolve(document, operation.requestBody ?? {}).content ?? {};
      const security = operation.security ?? document.security ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        serverUrl,
        parameters,
        bodyTypes: Object.keys(content),
        jsonBodyType: content['application/json']?.schema?.type,
        allowsAnonymous: security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0),
      });
    }
  }

  return operations;
}

/** Path parameter values, in the order of the template, with the values bound so far. */
export type PathValues = (parameter: OpenApiParameter, bound: Record<string, string>) => string[];

/**
 * Fills the path template with every combination of the candidate values, binding parameters
 * from left to right so that a later parameter may depend on an earlier one.
 */
export function expandPath(operation: Operation, candidates: PathValues): Array<{ path: string; values: Record<string, string> }> {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  let combinations: Array<Record<string, string>> = [{}];
  for (const name of names) {
    const parameter = operation.parameters.find((candidate) => candidate.in === 'path' && candidate.name === name) ?? {
      name,
      in: 'path' as const,
    };
    combinations = combinations.flatMap((bound) =>
      candidates(parameter, bound).map((value) => ({ ...bound, [name]: value })),
    );
  }

  return combinations.map((values) => ({
    values,
    path: operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(values[name]!)),
  }));
}
