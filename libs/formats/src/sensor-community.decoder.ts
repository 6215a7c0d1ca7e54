import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { DecodeResultBuilder } from './decode-result.builder';
import { parseJsonPayload } from './json-payload.parser';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import {
  describeJsonType,
  invalidPayload,
  isJsonObject,
  type JsonObject,
  requireObject,
} from './payload-shape.guards';
import { formatValue } from './value.formatter';

const FORMAT = 'sensor-community';

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The JSON that an airRohr (sensor.community) sensor POSTs to a custom API:
 * `{esp8266id, software_version, sensordatavalues: [{value_type, value}]}`. Each element of
 * sensordatavalues is one entry. Its value_type becomes the field (SDS_P1, BME280_pressure)
 * and its value, sent as a string, becomes a number. The body has no time, so every reading
 * gets the receive time.
 *
 * The device is the one the body names: `esp8266-<esp8266id>`, the form of the X-Sensor
 * header that the firmware sends with it. Without esp8266id the readings keep ctx.deviceId.
 */
export class SensorCommunityDecoder implements PayloadDecoder {
  readonly name = FORMAT;
  readonly contentTypes: readonly string[] = ['application/json'];

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const body = requireObject(parseJsonPayload(payload, FORMAT), `The ${FORMAT} payload`);
    const values = body.sensordatavalues;
    if (!Array.isArray(values)) {
      throw invalidPayload(
        values === undefined
          ? `The ${FORMAT} payload has no member 'sensordatavalues'; it is not an airRohr data push.`
          : `The ${FORMAT} member 'sensordatavalues' must be an array, got ${describeJsonType(values)}.`,
      );
    }

    if (values.length === 0) {
      throw invalidPayload(`The ${FORMAT} member 'sensordatavalues' is empty; the push carries no values.`);
    }

    const deviceId = readDeviceId(body) ?? ctx.deviceId;
    const result = new DecodeResultBuilder();
    values.forEach((entry: unknown, entryIndex) => {
      result.collectEntry(entryIndex, () => {
        const { field, value } = readEntry(entry);
        result.addReading({ deviceId, field, value, timeMs: ctx.receivedAtMs, entryIndex });
      });
    });

    return result.build();
  }
}

// NOTE: the chip id in the body is not checked against the authenticated identity, so the
// caller must allow that identity to write for the device it names.
function readDeviceId(body: JsonObject): string | undefined {
  const chipId = body.esp8266id;
  if (chipId === undefined || chipId === null) {
    return undefined;
  }
  const text = typeof chipId === 'number' && Number.isInteger(chipId) ? String(chipId) : chipId;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) {
    throw invalidPayload(
      `The ${FORMAT} member 'esp8266id' must be the chip id in digits, got ${formatValue(chipId)}.`,
    );
  }

  return `esp8266-${text}`;
}

function readEntry(entry: unknown): { field: string; value: number } {
  if (!isJsonObject(entry)) {
    throw invalidPayload(`A sensordatavalues element must be an object, got ${describeJsonType(entry)}.`);
  }
  const field = entry.value_type;
  if (typeof field !== 'string' || field === '') {
    throw invalidPayload(
      `A sensordatavalues element has value_type ${formatValue(field)}; it must be a non-empty string.`,
    );
  }

  return { field, value: parseNumericValue(entry.value, field) };
}

/** Converts a numeric string (or number) to a number; throws WRONG_TYPE naming the value. */
function parseNumericValue(value: unknown, field: string): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) {
    return Number(value.trim());
  }

  throw new RejectionError(
    RejectionCode.WRONG_TYPE,
    `The value ${formatValue(value)} of ${field} is not a number; airRohr sends numbers as decimal strings such as "17.00".`,
    { field, details: { value: formatValue(value) } },
  );
}
