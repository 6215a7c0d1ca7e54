import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the input as UTF-8 and drops a leading byte order mark. Throws RejectionError
 * MALFORMED_PAYLOAD naming `format` when the bytes are not UTF-8.
 */
export function decodeUtf8Input(input: Uint8Array, format: string): string {
  let text: string;
  try {
    text = utf8.decode(input);
  } catch (cause) {
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${format} input is not valid UTF-8; fetch the source in UTF-8 or convert it first.`,
      { cause, details: { inputLength: input.length } },
    );
  }

  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Parses the input as UTF-8 JSON. Throws RejectionError MALFORMED_PAYLOAD with the parser's
 * message, which names the position of the first syntax error.
 */
export function parseJsonInput(input: Uint8Array, format: string): unknown {
  const text = decodeUtf8Input(input, format);
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${format} input is not valid JSON: ${reason}. Check that the source URL returns JSON.`,
      { cause, details: { inputLength: input.length } },
    );
  }
}

/** RejectionError UNSUPPORTED_FORMAT for an input that parses but is not of the decoder's format. */
export function unsupportedInput(format: string, message: string): RejectionError {
  return new RejectionError(RejectionCode.UNSUPPORTED_FORMAT, `The ${format} input ${message}`);
}
