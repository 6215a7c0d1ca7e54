import { assignOnce, PayloadReader, requireApplicationPort } from './payload-reader';

/**
 * One telemetry entry of a Milesight payload: the channel id and data type bytes that precede it
 * and the function that reads its data bytes into fields.
 */
export interface MilesightChannel {
  readonly channel: number;
  readonly type: number;
  readonly description: string;
  read(reader: PayloadReader, fields: Record<string, unknown>, entryOffset: number): void;
}

const ATTRIBUTE_CHANNEL = 0xff;

const LORAWAN_CLASSES: Readonly<Record<number, string>> = { 0: 'A', 1: 'B', 2: 'C', 3: 'CtoB' };

/** Device attributes on channel 0xFF, common to Milesight sensors of the EM and VS series. */
const ATTRIBUTES: readonly MilesightChannel[] = [
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x01,
    description: 'protocol version',
    read: (reader, fields, at) =>
      assignOnce(fields, 'ipso_version', reader.uint8('protocol version'), reader, at),
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x09,
    description: 'hardware version',
    // Two bytes 0x01 0x40 mean v1.4: the major number and the high nibble of the second byte.
    read: (reader, fields, at) => {
      const major = reader.uint8('hardware version').toString(16);
      const minor = reader.uint8('hardware version') >> 4;
      assignOnce(fields, 'hardware_version', `${major}.${minor}`, reader, at);
    },
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x0a,
    description: 'firmware version',
    // Two bytes 0x01 0x14 mean v1.14: both bytes are read as hex digits.
    read: (reader, fields, at) => {
      const major = reader.uint8('firmware version').toString(16);
      const minor = reader.uint8('firmware version').toString(16);
      assignOnce(fields, 'firmware_version', `${major}.${minor}`, reader, at);
    },
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0xff,
    description: 'TSL version',
    read: (reader, fields, at) => {
      const major = reader.uint8('TSL version');
      const minor = reader.uint8('TSL version');
      assignOnce(fields, 'tsl_version', `${major}.${minor}`, reader, at);
    },
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x16,
    description: 'serial number',
    read: (reader, fields, at) =>
      assignOnce(fields, 'serial_number', reader.hex(8, 'serial number'), reader, at),
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x0f,
    description: 'LoRaWAN class',
    read: (reader, fields, at) => {
      const valueOffset = reader.offset;
      const code = reader.uint8('LoRaWAN class');
      const lorawanClass = LORAWAN_CLASSES[code];
      if (lorawanClass === undefined) {
        throw reader.fail(`LoRaWAN class ${code} is not defined (known: 0..3)`, valueOffset);
      }
      assignOnce(fields, 'lorawan_class', lorawanClass, reader, at);
    },
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0xfe,
    description: 'reset event',
    read: (reader, fields, at) => {
      reader.skip(1, 'reset event');
      assignOnce(fields, 'reset', true, reader, at);
    },
  },
  {
    channel: ATTRIBUTE_CHANNEL,
    type: 0x0b,
    description: 'power-on event',
    read: (reader, fields, at) => {
      reader.skip(1, 'power-on event');
      assignOnce(fields, 'power_on', true, reader, at);
    },
  },
];

function hex(value: number): string {
  return `0x${value.toString(16).padStart(2, '0').toUpperCase()}`;
}

/**
 * Decodes the channel/type/data layout that Milesight sensors send: each entry is one channel id
 * byte, one data type byte and a data length fixed by the pair. Multi-byte values are
 * little-endian. Milesight's default application port is 85, but the port is configurable, so
 * every application port is accepted.
 *
 * NOTE: configuration replies to a downlink (channel 0xFE, and 0xFF types not listed in
 * ATTRIBUTES) are rejected as unknown entries. Decode them here when a device type needs them.
 */
export function decodeMilesightPayload(
  codecName: string,
  bytes: Uint8Array,
  fPort: number,
  telemetry: readonly MilesightChannel[],
): Record<string, unknown> {
  requireApplicationPort(codecName, fPort);
  const reader = new PayloadReader(bytes, codecName, fPort);
  if (reader.done) {
    throw reader.fail('payload is empty');
  }

  const known = [...ATTRIBUTES, ...telemetry];
  const fields: Record<string, unknown> = {};
  while (!reader.done) {
    const entryOffset = reader.offset;
    const channel = reader.uint8('channel id');
    const type = reader.uint8(`data type of channel ${hex(channel)}`);
    const entry = known.find((candidate) => candidate.channel === channel && candidate.type === type);
    if (entry === undefined) {
      throw reader.fail(
        `channel ${hex(channel)} with data type ${hex(type)} is not part of this device model's payload`,
        entryOffset,
      );
    }
    entry.read(reader, fields, entryOffset);
  }

  return fields;
}
