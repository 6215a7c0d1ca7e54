/**
 * Maximum nesting of arrays and objects in a JSON request body. JSON.parse reads any depth
 * without recursion, but JSON.stringify and recursive validators overflow the stack at about
 * 2,000 levels under jest (measured on Node 20). No catalog or change document needs more than
 * about ten levels.
 */
export const MAX_JSON_BODY_DEPTH = 64;

/** Returns whether `value` nests arrays and objects deeper than `maxDepth`; walks without recursion. */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (typeof node !== 'object' || node === null) {
      continue;
    }
    if (depth > maxDepth) {
      return true;
    }
    for (const child of Object.values(node)) {
      pending.push({ node: child, depth: depth + 1 });
    }
  }

  return false;
}

/** Error code, status and message of a request that the edge rejects. */
export interface ClientProblem {
  code: string;
  status: number;
  message: string;
}

/** The fields of the errors that Express's body parsers (body-parser 2, via http-errors) raise. */
interface BodyParserError {
  type: string;
  status: number;
  expose: boolean;
  message: string;
  limit?: number;
  length?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;

  return (
    error instanceof Error &&
    typeof candidate?.type === 'string' &&
    candidate.expose === true &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}

/**
 * Maps a client error of the body parsers to a problem: a body over the size limit, an
 * unsupported charset or encoding, an aborted upload. Returns undefined for any other error.
 */
export function bodyParserProblem(error: unknown): ClientProblem | undefined {
  if (!isBodyParserError(error)) {
    return undefined;
  }
  if (error.type === 'entity.too.large') {
    const size = error.length === undefined ? 'the request body' : `the request body of ${error.length} bytes`;

    return {
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: `${size} exceeds the limit of ${error.limit} bytes: send a smaller body or split it into several requests`,
    };
  }
  if (error.status === 415) {
    return { code: 'UNSUPPORTED_FORMAT', status: 415, message: `${error.message}: send the body as UTF-8 without content encoding` };
  }

  return { code: 'VALIDATION_FAILED', status: error.status, message: `invalid request body: ${error.message}` };
}
