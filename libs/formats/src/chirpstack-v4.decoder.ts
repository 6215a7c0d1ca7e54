import { DecodeResultBuilder } from './decode-result.builder';
import { locateJsonError } from './json-error.locator';
import { parseJsonPayload, requireJsonDepth } from './json-payload.parser';
import { type CodecLookup, resolveUplinkFields, type UplinkContent } from './lorawan-uplink.resolver';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import {
  describeJsonType,
  invalidPayload,
  isJsonObject,
  type JsonObject,
  requireObject,
} from './payload-shape.guards';
import { parseTimestamp } from './timestamp.parser';

const FORMAT = 'chirpstack-v4';

interface ChirpStackUplink {
  content: UplinkContent;
  /** Member the time came from, and its raw value; undefined when the event has no time. */
  timeMember: string;
  rawTime: unknown;
}

/**
 * ChirpStack `up` events as published on MQTT `application/<id>/device/<devEUI>/event/up`
 * with the JSON marshaler or sent by the HTTP integration: the v4 layout (deviceInfo, time,
 * object, data, fPort) and the legacy v3 layout (devEUI, objectJSON, data, rxInfo[].time).
 *
 * All fields of the uplink form entry 0. A configured codec decodes `data` and wins over
 * `object`/`objectJSON`, which can be stale (a v3 objectJSON may not match data). Readings
 * keep ctx.deviceId, which the connector takes from the topic's devEUI.
 */
export class ChirpStackV4Decoder implements PayloadDecoder {
  readonly name = FORMAT;
  readonly contentTypes: readonly string[] = ['application/json'];

  constructor(private readonly lookupCodec: CodecLookup) {}

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const event = requireObject(parseJsonPayload(payload, FORMAT), `The ${FORMAT} payload`);
    const uplink = readUplink(event, ctx.codec !== undefined);
    const timeMs =
      uplink.rawTime === undefined
        ? ctx.receivedAtMs
        : parseTimestamp(uplink.rawTime, {
            timeZone: ctx.timeZone,
            nowMs: ctx.nowMs,
            field: uplink.timeMember,
          });
    const fields = resolveUplinkFields(uplink.content, ctx.codec, this.lookupCodec);

    const result = new DecodeResultBuilder();
    result.addFields(fields, { deviceId: ctx.deviceId, timeMs, entryIndex: 0 });

    return result.build();
  }
}

function readUplink(event: JsonObject, codecConfigured: boolean): ChirpStackUplink {
  if (event.deviceInfo !== undefined) {
    if (!isJsonObject(event.deviceInfo)) {
      throw invalidPayload(
        `The ${FORMAT} member 'deviceInfo' must be an object, got ${describeJsonType(event.deviceInfo)}.`,
      );
    }

    return {
      content: uplinkContent(event, event.object, 'object'),
      timeMember: 'time',
      rawTime: event.time ?? undefined,
    };
  }
  if (event.devEUI !== undefined) {
    // With a codec the raw bytes count, so a broken objectJSON must not reject the uplink.
    const decodedMember = event.object === undefined ? 'objectJSON' : 'object';
    const decoded = codecConfigured ? undefined : (event.object ?? parseObjectJson(event.objectJSON));

    return { content: uplinkContent(event, decoded, decodedMember), ...readLegacyTime(event) };
  }

  throw invalidPayload(
    `The ${FORMAT} payload has neither 'deviceInfo' (ChirpStack v4) nor 'devEUI' (ChirpStack v3); ` +
      'it is not a ChirpStack up event.',
  );
}

function uplinkContent(event: JsonObject, decodedObject: unknown, decodedMember: string): UplinkContent {
  return {
    format: FORMAT,
    rawPayload: event.data,
    rawMember: 'data',
    fPort: event.fPort,
    fPortMember: 'fPort',
    decodedObject,
    decodedMember,
  };
}

/** Parses the v3 objectJSON string; ChirpStack v3 sends "" or leaves it out when no codec ran. */
function parseObjectJson(objectJson: unknown): unknown {
  if (objectJson === undefined || objectJson === null || objectJson === '') {
    return undefined;
  }
  if (typeof objectJson !== 'string') {
    throw invalidPayload(
      `The ${FORMAT} member 'objectJSON' must be a JSON string, got ${describeJsonType(objectJson)}.`,
    );
  }

  let decoded: unknown;
  try {
    decoded = JSON.parse(objectJson);
  } catch {
    const error = locateJsonError(objectJson);
    const position = error === undefined ? '' : ` (${error.reason} at offset ${error.offset})`;
    throw invalidPayload(
      `The ${FORMAT} member 'objectJSON' is not valid JSON${position}; fix the device profile codec ` +
        'or set `codec` in the device type.',
    );
  }
  requireJsonDepth(decoded, `The ${FORMAT} member 'objectJSON'`);

  return decoded;
}

/** v3 events carry no top-level time; the first gateway with a time gives it. */
function readLegacyTime(event: JsonObject): Pick<ChirpStackUplink, 'timeMember' | 'rawTime'> {
  const rxInfo = Array.isArray(event.rxInfo) ? event.rxInfo : [];
  const index = rxInfo.findIndex(
    (gateway) => isJsonObject(gateway) && gateway.time !== undefined && gateway.time !== null,
  );
  if (index < 0) {
    return { timeMember: 'rxInfo[].time', rawTime: undefined };
  }

  return { timeMember: `rxInfo[${index}].time`, rawTime: (rxInfo[index] as JsonObject).time };
}
