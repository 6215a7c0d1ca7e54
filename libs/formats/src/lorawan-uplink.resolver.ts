import type { PayloadCodec } from './codecs/payload-codec';
import { describeJsonType, invalidPayload, isJsonObject } from './payload-shape.guards';
import { formatValue } from './value.formatter';

/** Returns the codec with the given name; throws RejectionError UNSUPPORTED_FORMAT for unknown names. */
export type CodecLookup = (name: string) => PayloadCodec;

/** The parts of one network-server uplink that carry the application payload. */
export interface UplinkContent {
  /** Format name for messages, e.g. ttn-v3. */
  format: string;
  /** Application payload as base64 text, and the member it came from. */
  rawPayload: unknown;
  rawMember: string;
  fPort: unknown;
  fPortMember: string;
  /** Object decoded by the network server's payload formatter or codec, and its member. */
  decodedObject: unknown;
  decodedMember: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Returns the decoded fields of one uplink. With `codecName` set, that codec decodes the raw
 * bytes and a decoded object from the network server is ignored, because it can be stale or
 * come from another formatter. Without a codec the network server's decoded object is used.
 * Throws RejectionError INVALID_PAYLOAD when neither source exists or yields no fields.
 */
export function resolveUplinkFields(
  content: UplinkContent,
  codecName: string | undefined,
  lookupCodec: CodecLookup,
): Record<string, unknown> {
  const fields =
    codecName === undefined ? readDecodedObject(content) : decodeWithCodec(content, lookupCodec(codecName));
  if (Object.keys(fields).length === 0) {
    const source = codecName === undefined ? `'${content.decodedMember}'` : `codec ${codecName}`;
    throw invalidPayload(`The ${content.format} uplink decoded by ${source} contains no fields.`);
  }

  return fields;
}

function decodeWithCodec(content: UplinkContent, codec: PayloadCodec): Record<string, unknown> {
  if (content.rawPayload === undefined || content.rawPayload === null || content.rawPayload === '') {
    throw invalidPayload(
      `The ${content.format} uplink has no '${content.rawMember}', so codec ${codec.name} has no bytes to decode.`,
    );
  }

  const bytes = decodeBase64(content.rawPayload, content.rawMember, content.format);
  const fPort = readFPort(content);

  return codec.decode(bytes, fPort);
}

function readDecodedObject(content: UplinkContent): Record<string, unknown> {
  const decoded = content.decodedObject;
  if (decoded === undefined || decoded === null) {
    throw invalidPayload(
      `The ${content.format} uplink has no decoded payload ('${content.decodedMember}'); set \`codec\` in the ` +
        'device type, or configure a payload formatter on the network server.',
    );
  }
  if (!isJsonObject(decoded)) {
    throw invalidPayload(
      `The ${content.format} member '${content.decodedMember}' must be an object, got ${describeJsonType(decoded)}.`,
    );
  }

  return decoded;
}

/** Decodes standard base64 (padding optional); throws INVALID_PAYLOAD for any other text. */
export function decodeBase64(text: unknown, member: string, format: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw invalidPayload(`The ${format} member '${member}' must be base64 text, got ${formatValue(text)}.`);
  }

  return new Uint8Array(Buffer.from(text, 'base64'));
}

/**
 * Reads the LoRaWAN FPort. The Things Stack and ChirpStack leave out members that are 0, so
 * an absent FPort is 0, which carries MAC commands only and no application payload.
 */
function readFPort(content: UplinkContent): number {
  const fPort = content.fPort ?? 0;
  if (typeof fPort !== 'number' || !Number.isInteger(fPort) || fPort < 1 || fPort > 255) {
    throw invalidPayload(
      `The ${content.format} uplink has FPort ${formatValue(fPort)} in '${content.fPortMember}'; ` +
        'application payloads use FPort 1 to 255 (FPort 0 carries MAC commands only).',
    );
  }

  return fPort;
}
