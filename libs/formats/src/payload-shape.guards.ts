import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RejectionError INVALID_PAYLOAD for a payload that is JSON but not of the format's shape. */
export function invalidPayload(message: string, options: { field?: string; entryIndex?: number } = {}) {
  return new RejectionError(RejectionCode.INVALID_PAYLOAD, message, options);
}

/** Returns `value` when it is a JSON object, else throws INVALID_PAYLOAD naming `subject`. */
export function requireObject(value: unknown, subject: string): JsonObject {
  if (!isJsonObject(value)) {
    throw invalidPayload(`${subject} must be a JSON object, got ${describeJsonType(value)}.`);
  }

  return value;
}

/** Returns the object member `key` of `parent`, else throws INVALID_PAYLOAD naming the member path. */
export function requireObjectMember(
  parent: JsonObject,
  key: string,
  path: string,
  format: string,
): JsonObject {
  const member = parent[key];
  if (member === undefined) {
    throw invalidPayload(`The ${format} payload has no member '${path}'; it is not a ${format} message.`);
  }
  if (!isJsonObject(member)) {
    throw invalidPayload(
      `The ${format} payload member '${path}' must be an object, got ${describeJsonType(member)}.`,
    );
  }

  return member;
}

/** JSON type name of a value, for messages: object, array, string, number, boolean, null. */
export function describeJsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }

  return Array.isArray(value) ? 'array' : typeof value;
}
