import type { StoredObservation } from '@stadtdaten/contracts';

/** Measurement that contains every observation. */
export const MEASUREMENT = 'observations';

/** Type of a point's result, written as the `result_type` field of every point. */
export type ResultType = 'number' | 'string' | 'boolean' | 'json';

/** Tag values of one point besides the datastream; the single-database layout sets both. */
export interface PointTags {
  tenant?: string;
  profile?: string;
}

/**
 * Characters that line protocol cannot carry in a tag value: a line break ends the line, and a
 * backslash before a comma, space, equals sign or the end of the value turns into an escape.
 * Tab is included because parsers differ on it. They are percent-encoded, together with `%`
 * itself, so the encoding stays reversible; ordinary ids such as `sds011-15092.P2` pass unchanged.
 */
const TAG_TEXT_UNSAFE = /[%\\\n\r\t]/g;
const TAG_TEXT_ENCODED = /%(25|5C|0A|0D|09)/g;

/** Percent-encodes the characters of TAG_TEXT_UNSAFE; reads compare tags against this form, too. */
export function encodeTagText(value: string): string {
  return value.replace(
    TAG_TEXT_UNSAFE,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** Reverses encodeTagText. */
export function decodeTagText(value: string): string {
  return value.replace(TAG_TEXT_ENCODED, (_match, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Escapes a measurement name: comma and space. */
export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, '\\$&');
}

/** Escapes a tag key, tag value or field key: comma, equals sign and space. */
export function escapeKey(key: string): string {
  return key.replace(/[,= ]/g, '\\$&');
}

/** Escapes and encodes a tag value; see encodeTagText. */
export function escapeTagValue(value: string): string {
  return escapeKey(encodeTagText(value));
}

/**
 * Quotes a string field value: backslash and double quote are escaped. Line breaks are not
 * allowed in field values (InfluxDB 1.x line protocol reference), so callers keep them out.
 */
export function quoteStringField(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Tests whether a string contains a character that no line-protocol field value may contain. */
export function hasLineBreak(value: string): boolean {
  return /[\n\r]/.test(value);
}

const NO_QUALITY_FLAGS = `quality_flags=${quoteStringField('[]')}`;

/**
 * Formats one observation as a line of the `observations` measurement with millisecond
 * timestamp. InfluxDB merges the field sets of two points with the same tag set and timestamp,
 * so a field that the new point lacks would keep its old value. Every point therefore carries
 * every field a read looks at, except the value fields of the other result types.
 */
export function toLine(observation: StoredObservation, tags: PointTags): string {
  let key = `${escapeMeasurement(MEASUREMENT)},datastream=${escapeTagValue(observation.datastreamId)}`;
  // Tags sorted by key, as InfluxDB recommends for write speed.
  if (tags.profile !== undefined) key += `,profile=${escapeTagValue(tags.profile)}`;
  if (tags.tenant !== undefined) key += `,tenant=${escapeTagValue(tags.tenant)}`;

  const fields = [
    `id=${quoteStringField(observation.id)}`,
    observation.qualityFlags.length === 0
      ? NO_QUALITY_FLAGS
      : `quality_flags=${quoteStringField(JSON.stringify(observation.qualityFlags))}`,
    `received_at_ms=${observation.receivedAtMs}i`,
    `result_time_ms=${observation.resultTimeMs}i`,
    resultFields(observation.result),
  ];

  return `${key} ${fields.join(',')} ${observation.phenomenonTimeMs}`;
}

// NOTE: replacing a numeric result with another type leaves the old `value` field on the point,
// so aggregates still count it. Reads follow result_type and return the new result.
function resultFields(result: StoredObservation['result']): string {
  if (typeof result === 'number') {
    // A number without the `i` suffix is a float, so `value` never changes type.
    return `result_type="number",value=${String(result)}`;
  }
  if (typeof result === 'boolean') {
    return `result_type="boolean",value_bool=${result ? 'true' : 'false'}`;
  }
  if (typeof result === 'string' && !hasLineBreak(result)) {
    return `result_type="string",value_text=${quoteStringField(result)}`;
  }

  // JSON.stringify escapes line breaks, so strings that contain them are stored as JSON, too.
  return `result_type="json",value_json=${quoteStringField(JSON.stringify(result))}`;
}
