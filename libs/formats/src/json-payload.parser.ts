import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { locateJsonError } from './json-error.locator';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses payload bytes as UTF-8 JSON (a leading byte order mark is dropped). Throws
 * RejectionError MALFORMED_PAYLOAD with the line, column and offset of the first syntax error.
 */
export function parseJsonPayload(payload: Uint8Array, format: string): unknown {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch (cause) {
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${format} payload is not valid UTF-8; send JSON encoded as UTF-8.`,
      { cause },
    );
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RejectionError(RejectionCode.MALFORMED_PAYLOAD, describeSyntaxError(text, format, cause), {
      cause,
      details: { payloadLength: payload.length },
    });
  }
  requireJsonDepth(value, `The ${format} payload`);

  return value;
}

/**
 * Maximum nesting of arrays and objects in a payload. JSON.parse reads any depth, but later
 * steps such as the validator's JSON.stringify recurse and overflow the stack at a few thousand
 * levels, and the event log then delivers the same record again and again.
 */
export const MAX_PAYLOAD_DEPTH = 64;

/** Throws INVALID_PAYLOAD when `value` nests arrays and objects deeper than MAX_PAYLOAD_DEPTH. */
export function requireJsonDepth(value: unknown, subject: string): void {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (typeof node !== 'object' || node === null) {
      continue;
    }
    if (depth > MAX_PAYLOAD_DEPTH) {
      throw new RejectionError(
        RejectionCode.INVALID_PAYLOAD,
        `${subject} nests arrays and objects deeper than ${MAX_PAYLOAD_DEPTH} levels; send a flatter document.`,
      );
    }
    for (const child of Object.values(node)) {
      pending.push({ node: child, depth: depth + 1 });
    }
  }
}

function describeSyntaxError(text: string, format: string, cause: unknown): string {
  const located = locateJsonError(text);
  if (located === undefined) {
    // JSON.parse failed although the scanner accepts the text, so fall back to V8's message.
    return `The ${format} payload is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}.`;
  }

  return (
    `The ${format} payload is not valid JSON: ${located.reason} at line ${located.line}, ` +
    `column ${located.column} (offset ${located.offset}).`
  );
}
