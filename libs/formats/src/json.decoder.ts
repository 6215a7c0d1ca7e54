import { DecodeResultBuilder } from './decode-result.builder';
import { parseJsonPayload } from './json-payload.parser';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import { describeJsonType, invalidPayload, isJsonObject } from './payload-shape.guards';
import { parseTimestamp } from './timestamp.parser';

/** Members that carry the reading's time instead of a field, in order of precedence. */
export const JSON_TIME_KEYS: readonly string[] = ['time', 'timestamp', 'ts'];

/**
 * Plain JSON readings: one object whose members are fields, or an array of such objects
 * (entryIndex = array index). The time goes under `time`, `timestamp` or `ts`, and without one
 * the receive time applies. A nested object or array stays one field with that value.
 */
export class JsonDecoder implements PayloadDecoder {
  readonly name = 'json';
  readonly contentTypes: readonly string[] = ['application/json'];

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const parsed = parseJsonPayload(payload, this.name);
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    if (!Array.isArray(parsed) && !isJsonObject(parsed)) {
      throw invalidPayload(
        `The json payload must be an object or an array of objects, got ${describeJsonType(parsed)}.`,
      );
    }
    if (entries.length === 0) {
      throw invalidPayload('The json payload is an empty array; send at least one reading object.');
    }

    const result = new DecodeResultBuilder();
    entries.forEach((entry, entryIndex) => {
      result.collectEntry(entryIndex, () => decodeEntry(entry, entryIndex, ctx, result));
    });

    return result.build();
  }
}

function decodeEntry(
  entry: unknown,
  entryIndex: number,
  ctx: DecodeContext,
  result: DecodeResultBuilder,
): void {
  if (!isJsonObject(entry)) {
    throw invalidPayload(`A json reading must be an object, got ${describeJsonType(entry)}.`);
  }

  const timeKeys = JSON_TIME_KEYS.filter((key) => entry[key] !== undefined);
  if (timeKeys.length > 1) {
    throw invalidPayload(
      `The reading has more than one time member (${timeKeys.join(', ')}); send only one.`,
    );
  }

  const fields = Object.fromEntries(Object.entries(entry).filter(([key]) => !JSON_TIME_KEYS.includes(key)));
  if (Object.keys(fields).length === 0) {
    throw invalidPayload('The reading has no fields besides its time; send at least one value.');
  }

  const timeKey = timeKeys[0];
  const timeMs =
    timeKey === undefined
      ? ctx.receivedAtMs
      : parseTimestamp(entry[timeKey], { timeZone: ctx.timeZone, nowMs: ctx.nowMs, field: timeKey });

  result.addFields(fields, { deviceId: ctx.deviceId, timeMs, entryIndex });
}
