import type { PayloadCodec } from './payload-codec';
import { invalidPayload, PayloadReader, requireLength } from './payload-reader';

const CODEC_NAME = 'nwave-parking';

const PORT_PARKING_STATUS = 1;
const PORT_HEARTBEAT = 2;
const PORT_STARTUP = 3;

const HEARTBEAT_LENGTH = 6;
const STARTUP_LENGTH = 5;

/** Reset causes of the start-up message, indexed by byte 3 (4 and 5 are not assigned). */
export const NWAVE_RESET_CAUSES: Readonly<Record<number, string>> = {
  0: 'rejoining_lorawan_network',
  1: 'watchdog',
  2: 'power_on',
  3: 'user_request',
  6: 'brownout',
  7: 'other',
};

/** Decoded form of the 7-bit "compressed duration of the previous status". */
interface PreviousStateDuration {
  /** Minutes; the lower bound of the interval when the code is 127 (overflow). */
  duration: number;
  /** True when the previous state lasted longer than the code range covers. */
  overflow: boolean;
}

/**
 * Expands the compressed duration: codes 0..89 count single minutes, 90..119 steps of 5 minutes
 * from 90, 120..126 steps of 60 minutes from 240, and 127 means "660 minutes or more".
 *
 * NOTE: Nwave's parking sensor page names the field only "compressed duration of the previous
 * status". The expansion and the unit come from Nwave's codec in The Things Network Device
 * Repository (vendor/nwave/nps405), whose example 0x95 expands to 74.
 */
function expandPreviousStateDuration(code: number): PreviousStateDuration {
  if (code < 90) {
    return { duration: code, overflow: false };
  }
  if (code < 120) {
    return { duration: 90 + (code - 90) * 5, overflow: false };
  }
  if (code < 127) {
    return { duration: 240 + (code - 120) * 60, overflow: false };
  }

  return { duration: 660, overflow: true };
}

/** Reads the reset cause byte of a Nwave start-up message and rejects codes Nwave does not assign. */
export function readNwaveResetCause(reader: PayloadReader): string {
  const offset = reader.offset;
  const code = reader.uint8('reset cause');
  const cause = NWAVE_RESET_CAUSES[code];
  if (cause === undefined) {
    throw reader.fail(`reset cause ${code} is not defined (known: 0, 1, 2, 3, 6, 7)`, offset);
  }

  return cause;
}

/**
 * Nwave Parking Sensor G4 (NPS 4.5). Bit 0 of byte 0 is the parking status on fPort 1 and 2, as
 * Nwave's "LoRaWAN Parking Sensor - Getting Started" page states for both ports.
 *
 * - fPort 1, parking status (1 byte): bit 0 = occupied, bits 7..1 = compressed duration of the
 *   previous status.
 * - fPort 2, heartbeat (6 bytes): bit 0 of byte 0 = occupied, bits 7..1 = hardware health
 *   status; byte 1 battery voltage as 2500 + 4·value mV; byte 2 temperature as
 *   value/2 + 10 °C (signed value).
 * - fPort 3, start-up (5 bytes): firmware version in bytes 0..2, reset cause in byte 3, bit 0 of
 *   byte 4 = occupied.
 *
 * NOTE: the heartbeat and start-up layouts follow Nwave's codec examples in The Things Network
 * Device Repository (vendor/nwave/nps405-codec.yaml), not a table of Nwave's page. That heartbeat
 * example has byte 0 = 0, so reading bits 7..1 as the health status is unconfirmed, and bytes
 * 3..5 of the heartbeat are not decoded.
 */
export class NwaveParkingCodec implements PayloadCodec {
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
    const previous = expandPreviousStateDuration(bytes[0] >> 1);

    return {
      message_type: 'parking_status',
      occupied: (bytes[0] & 0x01) === 1,
      previous_state_duration: previous.duration,
      previous_state_duration_overflow: previous.overflow,
    };
  }

  private decodeHeartbeat(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [HEARTBEAT_LENGTH]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    const status = reader.uint8('status');
    const batteryRaw = reader.uint8('battery voltage');
    const temperatureRaw = reader.int8('temperature');

    return {
      message_type: 'heartbeat',
      occupied: (status & 0x01) === 1,
      hw_health_status: status >> 1,
      battery_voltage: (2500 + 4 * batteryRaw) / 1000,
      temperature: temperatureRaw / 2 + 10,
    };
  }

  private decodeStartup(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [STARTUP_LENGTH]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    const version = [
      reader.uint8('firmware major'),
      reader.uint8('firmware minor'),
      reader.uint8('firmware patch'),
    ];
    const resetCause = readNwaveResetCause(reader);
    const occupied = (reader.uint8('parking status') & 0x01) === 1;

    return {
      message_type: 'startup',
      firmware_version: version.join('.'),
      reset_cause: resetCause,
      occupied,
    };
  }
}
