import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

/** Highest LoRaWAN application port. Port 224 carries the LoRaWAN test protocol and 225..255 are reserved. */
const MAX_APPLICATION_PORT = 223;

const DEFAULT_FIX =
  'Check that the device type uses the codec of this device model and that the device firmware sends this layout.';

/**
 * Builds the INVALID_PAYLOAD rejection of a codec. The message names the codec, the fPort and the
 * byte position so that an operator can find the byte in the uplink.
 */
export function invalidPayload(
  codec: string,
  fPort: number,
  byteOffset: number,
  problem: string,
  fix: string = DEFAULT_FIX,
): RejectionError {
  return new RejectionError(
    RejectionCode.INVALID_PAYLOAD,
    `${codec} codec: invalid payload on fPort ${fPort} at byte ${byteOffset}: ${problem}. ${fix}`,
    { details: { codec, fPort, byteOffset } },
  );
}

/** Rejects fPort 0 (MAC commands only), the test port 224 and the reserved ports 225..255. */
export function requireApplicationPort(codec: string, fPort: number): void {
  if (Number.isInteger(fPort) && fPort >= 1 && fPort <= MAX_APPLICATION_PORT) {
    return;
  }

  throw invalidPayload(
    codec,
    fPort,
    0,
    `fPort ${fPort} is not a LoRaWAN application port (1..${MAX_APPLICATION_PORT})`,
    'Check that the network server forwards the fPort of the uplink unchanged.',
  );
}

/** Rejects a payload whose length is not one of `allowed`. */
export function requireLength(
  codec: string,
  fPort: number,
  bytes: Uint8Array,
  allowed: readonly number[],
): void {
  if (allowed.includes(bytes.length)) {
    return;
  }

  const expected = allowed.length === 1 ? `${allowed[0]}` : `one of ${allowed.join(', ')}`;
  const offset = Math.min(bytes.length, Math.max(...allowed));
  throw invalidPayload(codec, fPort, offset, `payload has ${bytes.length} bytes, expected ${expected}`);
}

/**
 * Sequential, bounds-checked reader over an uplink payload. Every read that runs past the end
 * throws INVALID_PAYLOAD with the offset of the missing bytes.
 */
export class PayloadReader {
  private position = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly codec: string,
    readonly fPort: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  /** Builds a rejection at `byteOffset` (default: the current position). */
  fail(problem: string, byteOffset: number = this.position): RejectionError {
    return invalidPayload(this.codec, this.fPort, byteOffset, problem);
  }

  uint8(field: string): number {
    return this.view.getUint8(this.advance(1, field));
  }

  int8(field: string): number {
    return this.view.getInt8(this.advance(1, field));
  }

  uint16be(field: string): number {
    return this.view.getUint16(this.advance(2, field), false);
  }

  int16be(field: string): number {
    return this.view.getInt16(this.advance(2, field), false);
  }

  uint16le(field: string): number {
    return this.view.getUint16(this.advance(2, field), true);
  }

  int16le(field: string): number {
    return this.view.getInt16(this.advance(2, field), true);
  }

  /** Signed 24-bit big-endian integer (two's complement). */
  int24be(field: string): number {
    const start = this.advance(3, field);
    const unsigned = (this.view.getUint8(start) << 16) | this.view.getUint16(start + 1, false);

    return unsigned & 0x800000 ? unsigned - 0x1000000 : unsigned;
  }

  uint32be(field: string): number {
    return this.view.getUint32(this.advance(4, field), false);
  }

  int32be(field: string): number {
    return this.view.getInt32(this.advance(4, field), false);
  }

  uint32le(field: string): number {
    return this.view.getUint32(this.advance(4, field), true);
  }

  /** Lower-case hex string of the next `count` bytes. */
  hex(count: number, field: string): string {
    const start = this.advance(count, field);

    return Buffer.from(this.bytes.subarray(start, start + count)).toString('hex');
  }

  skip(count: number, field: string): void {
    this.advance(count, field);
  }

  private advance(count: number, field: string): number {
    if (count > this.remaining) {
      throw this.fail(
        `${field} needs ${count} byte(s) but only ${this.remaining} remain (payload length ${this.bytes.length})`,
      );
    }

    const start = this.position;
    this.position += count;

    return start;
  }
}

/**
 * Sets `fields[key]` and rejects a second value for the same key. A payload that reports one
 * channel twice leaves open which reading is current.
 */
export function assignOnce(
  fields: Record<string, unknown>,
  key: string,
  value: unknown,
  reader: PayloadReader,
  byteOffset: number,
): void {
  if (key in fields) {
    throw reader.fail(`${key} appears twice in one payload`, byteOffset);
  }

  fields[key] = value;
}
