import type { PayloadCodec } from './payload-codec';
import { invalidPayload, PayloadReader, requireLength } from './payload-reader';

const CODEC_NAME = 'bosch-parking';

const PORT_PARKING_STATUS = 1;
const PORT_HEARTBEAT = 2;
const PORT_STARTUP = 3;

const STARTUP_LENGTH = 17;
const DEBUG_CODE_SLOTS = 3;
const DEBUG_SLOT_BYTES = 4;

/** Reset causes of the start-up message, indexed by byte 15 (0 is not assigned). */
const RESET_CAUSES: Readonly<Record<number, string>> = {
  1: 'watchdog',
  2: 'power_on',
  3: 'system_request',
  4: 'other',
};

/**
 * Bosch Parking Lot Sensor (PLS, TPS110). Layout per the Bosch entry of The Things Network
 * Device Repository (vendor/bosch, codec tps110-0292 and its examples):
 *
 * - fPort 1, parking status (1 byte): bit 0 = occupied.
 * - fPort 2, heartbeat (1 or 2 bytes): bit 0 of byte 0 = occupied; byte 1, where present, is the
 *   sensor temperature in °C as a signed integer.
 * - fPort 3, start-up (17 bytes): three 4-byte debug slots whose first two bytes hold a
 *   12-bit little-endian debug code (0 = empty); bytes 12..14 the firmware version
 *   major.minor.patch; byte 15 the reset cause; bit 0 of byte 16 = occupied.
 *
 * NOTE: this layout is the Device Repository's, checked against its three examples but not
 * against Bosch's own "PLS Communication Interface" description.
 */
export class BoschParkingCodec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    switch (fPort) {
      case PORT_PARKING_STATUS:
        return this.decodeParkingStatus(bytes, fPort);
      case PORT_HEARTBEAT:
        return this.decodeHeartbeat(bytes, fPort);
      case PORT_STARTUP:
        return this.decodeStartup(bytes, fPort);
      default:
        throw invalidPayload(
          CODEC_NAME,
          fPort,
          0,
          `fPort ${fPort} is not decoded (supported: 1 parking status, 2 heartbeat, 3 start-up)`,
        );
    }
  }

  private decodeParkingStatus(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [1]);

    return { message_type: 'parking_status', occupied: (bytes[0] & 0x01) === 1 };
  }

  private decodeHeartbeat(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [1, 2]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    const fields: Record<string, unknown> = {
      message_type: 'heartbeat',
      occupied: (reader.uint8('parking status') & 0x01) === 1,
    };

    if (!reader.done) {
      fields.temperature = reader.int8('temperature');
    }

    return fields;
  }

  private decodeStartup(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [STARTUP_LENGTH]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);

    const debugCodes: number[] = [];
    for (let slot = 0; slot < DEBUG_CODE_SLOTS; slot++) {
      const low = reader.uint8('debug code');
      const high = reader.uint8('debug code');
      reader.skip(DEBUG_SLOT_BYTES - 2, 'debug slot');
      const code = ((high & 0x0f) << 8) | low;
      if (code !== 0) {
        debugCodes.push(code);
      }
    }

    const major = reader.uint8('firmware major version');
    const minor = reader.uint8('firmware minor version');
    const patch = reader.uint8('firmware patch version');

    const resetOffset = reader.offset;
    const resetCode = reader.uint8('reset cause');
    const resetCause = RESET_CAUSES[resetCode];
    if (resetCause === undefined) {
      throw reader.fail(`reset cause ${resetCode} is not defined (known: 1..4)`, resetOffset);
    }

    const occupied = (reader.uint8('parking status') & 0x01) === 1;

    return {
      message_type: 'startup',
      debug_codes: debugCodes,
      firmware_version: `${major}.${minor}.${patch}`,
      reset_cause: resetCause,
      occupied,
    };
  }
}
