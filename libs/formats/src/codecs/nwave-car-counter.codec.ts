import { readNwaveResetCause } from './nwave-parking.codec';
import type { PayloadCodec } from './payload-codec';
import { invalidPayload, PayloadReader, requireLength } from './payload-reader';

const CODEC_NAME = 'nwave-car-counter';

const PORT_COUNTER_UPDATE = 1;
const PORT_HEARTBEAT = 2;
const PORT_STARTUP = 3;

/** Bits 4..0 of heartbeat byte 0; bits 7..5 are reserved. */
const ERROR_MASK_BITS = 0x1f;

/** Battery voltage in V from a transmitted heartbeat value: Vbat = 2400 + 5·value mV. */
function batteryVoltage(value: number): number {
  return (2400 + 5 * value) / 1000;
}

/**
 * Nwave Car Counter G4 (NCC 4.5, for example the flush-mount "Smart Car Counter G4 FM"), per
 * Nwave's "LoRaWAN Car Counter - Getting Started" page:
 *
 * - fPort 1, counter update (2 bytes): the 16 least significant bits of the passing-car counter,
 *   big-endian. The counter is not stored across reboots, so it restarts at 0 after a start-up
 *   message with a reset cause other than 0.
 * - fPort 2, heartbeat (3 bytes): error mask in bits 4..0 of byte 0 (0 = no hardware issue
 *   detected); byte 1 the last battery voltage; byte 2 the mean battery voltage of the last 24 h.
 * - fPort 3, start-up (4 bytes): firmware version in bytes 0..2, reset cause in byte 3.
 *
 * NOTE: the battery formula 2400 + 5·value mV and the error mask bits are as Nwave's page shows
 * them in its revision history. Nwave's codec example in The Things Network Device Repository
 * (vendor/nwave/ncc405-codec.yaml) fits 2500 + 4·value mV and reports 40 for byte 0xA8. Confirm
 * with Nwave which one current firmware uses.
 */
export class NwaveCarCounterCodec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    switch (fPort) {
      case PORT_COUNTER_UPDATE:
        return this.decodeCounterUpdate(bytes, fPort);
      case PORT_HEARTBEAT:
        return this.decodeHeartbeat(bytes, fPort);
      case PORT_STARTUP:
        return this.decodeStartup(bytes, fPort);
      default:
        throw invalidPayload(
          CODEC_NAME,
          fPort,
          0,
          `fPort ${fPort} is not decoded (supported: 1 counter update, 2 heartbeat, 3 start-up)`,
        );
    }
  }

  private decodeCounterUpdate(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [2]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);

    return { message_type: 'counter_update', counter: reader.uint16be('counter') };
  }

  private decodeHeartbeat(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [3]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    const errorMask = reader.uint8('error mask') & ERROR_MASK_BITS;
    const lastValue = reader.uint8('battery voltage');
    const meanValue = reader.uint8('mean battery voltage');

    return {
      message_type: 'heartbeat',
      hw_health_status: errorMask,
      battery_voltage: batteryVoltage(lastValue),
      battery_voltage_mean_24h: batteryVoltage(meanValue),
    };
  }

  private decodeStartup(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireLength(CODEC_NAME, fPort, bytes, [4]);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    const version = [
      reader.uint8('firmware major'),
      reader.uint8('firmware minor'),
      reader.uint8('firmware patch'),
    ];
    const resetCause = readNwaveResetCause(reader);

    return { message_type: 'startup', firmware_version: version.join('.'), reset_cause: resetCause };
  }
}
