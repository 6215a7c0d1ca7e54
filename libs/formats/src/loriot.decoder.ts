import { DecodeResultBuilder } from './decode-result.builder';
import { parseJsonPayload } from './json-payload.parser';
import { type CodecLookup, resolveUplinkFields } from './lorawan-uplink.resolver';
import type { DecodeContext, DecodeResult, PayloadDecoder } from './payload-decoder.interface';
import { invalidPayload, type JsonObject, requireObject } from './payload-shape.guards';
import { parseTimestamp } from './timestamp.parser';
import { formatValue } from './value.formatter';

const FORMAT = 'loriot';

/** LORIOT commands that carry an uplink: `rx` (data message) and `gw` (the same with gateway details). */
const UPLINK_COMMANDS: ReadonlySet<string> = new Set(['rx', 'gw']);

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Uplinks of the LORIOT network server as its application outputs (WebSocket, HTTP push, MQTT)
 * send them: `{ "cmd": "rx", "EUI", "ts", "fcnt", "port", "data" }`, and the `gw` message,
 * which adds the gateways. `data` is the decrypted payload as hex text, LORIOT's default
 * format; LORIOT decodes no fields itself, so the device type's `codec` always decodes the
 * bytes. All fields form entry 0. The time is `ts` (epoch ms of the network server), else the
 * receive time. Readings keep ctx.deviceId, which the connector derives from EUI.
 */
export class LoriotDecoder implements PayloadDecoder {
  readonly name = FORMAT;
  readonly contentTypes: readonly string[] = ['application/json'];

  constructor(private readonly lookupCodec: CodecLookup) {}

  decode(payload: Uint8Array, ctx: DecodeContext): DecodeResult {
    const message = requireObject(parseJsonPayload(payload, FORMAT), `The ${FORMAT} payload`);
    requireUplinkCommand(message);
    if (ctx.codec === undefined) {
      throw invalidPayload(
        `The ${FORMAT} uplink carries only the raw bytes in 'data', which need a byte codec; set \`codec\` in the device type.`,
      );
    }

    const timeMs =
      message.ts === undefined
        ? ctx.receivedAtMs
        : parseTimestamp(message.ts, { timeZone: ctx.timeZone, nowMs: ctx.nowMs, field: 'ts' });
    const fields = resolveUplinkFields(
      {
        format: FORMAT,
        rawPayload: hexToBase64(message),
        rawMember: 'data',
        fPort: message.port,
        fPortMember: 'port',
        decodedObject: undefined,
        decodedMember: 'data',
      },
      ctx.codec,
      this.lookupCodec,
    );

    const result = new DecodeResultBuilder();
    result.addFields(fields, { deviceId: ctx.deviceId, timeMs, entryIndex: 0 });

    return result.build();
  }
}

function requireUplinkCommand(message: JsonObject): void {
  if (typeof message.cmd === 'string' && UPLINK_COMMANDS.has(message.cmd)) {
    return;
  }

  throw invalidPayload(
    `The ${FORMAT} message has cmd ${formatValue(message.cmd)}, not an uplink ('rx' or 'gw'); ` +
      'forward only uplink messages to this format.',
  );
}

/**
 * Converts the hex `data` to the base64 text that resolveUplinkFields decodes. Returns
 * undefined without data, so that the resolver reports the missing bytes. Throws
 * INVALID_PAYLOAD for encrypted payloads (`encdata` only) and for data that is not hex.
 */
function hexToBase64(message: JsonObject): string | undefined {
  const data = message.data;
  if (data === undefined && message.encdata !== undefined) {
    throw invalidPayload(
      `The ${FORMAT} uplink carries only 'encdata', the payload encrypted with the AppSKey; ` +
        "assign the AppSKey to the device in LORIOT so that it sends the decrypted 'data'.",
    );
  }
  if (data === undefined || data === null || data === '') {
    return undefined;
  }
  if (typeof data !== 'string' || !HEX.test(data)) {
    throw invalidPayload(
      `The ${FORMAT} member 'data' must be hex text with an even number of digits, got ${formatValue(data)}; ` +
        'set the data format of the LORIOT application output to hex.',
    );
  }

  return Buffer.from(data, 'hex').toString('base64');
}
