import { DecodeResultBuilder } from './decode-result.builder';
import { parseJsonPayload } from './json-payload.parser';
import { type CodecLookup, resolveUplinkFields } from './lorawan-uplink.resolver';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import { invalidPayload, type JsonObject, requireObject, requireObjectMember } from './payload-shape.guards';
import { parseTimestamp } from './timestamp.parser';

/** Event name of an uplink in The Things Stack event stream and console. */
export const TTN_UPLINK_EVENT = 'as.up.data.forward';

const FORMAT = 'ttn-v3';

/**
 * Uplinks of The Things Stack v3 (ApplicationUp with uplink_message), as published on MQTT
 * `v3/<application>@<tenant>/devices/<device>/up` or sent by a webhook, and the same message
 * wrapped in a console event `{name: "as.up.data.forward", data: {...}}`.
 *
 * All fields of the uplink form entry 0. The time is uplink_message.received_at, else
 * received_at, cut from nanoseconds to milliseconds. Readings keep ctx.deviceId, because the
 * connector derives it from the topic that names the same device as end_device_ids.
 */
export class TtnV3Decoder implements PayloadDecoder {
  readonly name = FORMAT;
  readonly contentTypes: readonly string[] = ['application/json'];

  constructor(private readonly lookupCodec: CodecLookup) {}

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const message = unwrapConsoleEvent(
      requireObject(parseJsonPayload(payload, FORMAT), `The ${FORMAT} payload`),
    );
    const uplink = requireObjectMember(message, 'uplink_message', 'uplink_message', FORMAT);
    const timeMs = readUplinkTime(message, uplink, ctx);
    const fields = resolveUplinkFields(
      {
        format: FORMAT,
        rawPayload: uplink.frm_payload,
        rawMember: 'uplink_message.frm_payload',
        fPort: uplink.f_port,
        fPortMember: 'uplink_message.f_port',
        decodedObject: uplink.decoded_payload,
        decodedMember: 'uplink_message.decoded_payload',
      },
      ctx.codec,
      this.lookupCodec,
    );

    const result = new DecodeResultBuilder();
    result.addFields(fields, { deviceId: ctx.deviceId, timeMs, entryIndex: 0 });

    return result.build();
  }
}

/** Returns the ApplicationUp inside a console event, or the message itself when it is not one. */
function unwrapConsoleEvent(message: JsonObject): JsonObject {
  if (message.name === undefined || message.uplink_message !== undefined) {
    return message;
  }
  if (message.name !== TTN_UPLINK_EVENT) {
    throw invalidPayload(
      `The ${FORMAT} event is '${String(message.name)}', not an uplink ('${TTN_UPLINK_EVENT}'); ` +
        'forward only uplink messages to this format.',
    );
  }

  return requireObjectMember(message, 'data', 'data', FORMAT);
}

function readUplinkTime(message: JsonObject, uplink: JsonObject, ctx: DecodeContext): number {
  const [member, raw] =
    uplink.received_at !== undefined
      ? ['uplink_message.received_at', uplink.received_at]
      : ['received_at', message.received_at];
  if (raw === undefined) {
    return ctx.receivedAtMs;
  }

  return parseTimestamp(raw, { timeZone: ctx.timeZone, nowMs: ctx.nowMs, field: member });
}
