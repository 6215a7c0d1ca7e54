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

  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RejectionError(RejectionCode.MALFORMED_PAYLOAD, describeSyntaxError(text, format, cause), {
      cause,
      details: { payloadLength: payload.length },
    });
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
