import { decodeMilesightPayload, type MilesightChannel } from './milesight-channels';
import type { PayloadCodec } from './payload-codec';
import { assignOnce } from './payload-reader';

const CODEC_NAME = 'milesight-em310-udl';

/**
 * Telemetry of the EM310-UDL per Milesight's payload table (SensorDecoders repository,
 * em-series/em310-udl): battery level in %, distance in mm, and the position, where 1 means the
 * sensor is tilted (horizontal offset angle of 20° or more).
 */
const TELEMETRY: readonly MilesightChannel[] = [
  {
    channel: 0x01,
    type: 0x75,
    description: 'battery level',
    read: (reader, fields, at) => assignOnce(fields, 'battery', reader.uint8('battery level'), reader, at),
  },
  {
    channel: 0x03,
    type: 0x82,
    description: 'distance',
    read: (reader, fields, at) => assignOnce(fields, 'distance', reader.uint16le('distance'), reader, at),
  },
  {
    channel: 0x04,
    type: 0x00,
    description: 'position',
    read: (reader, fields, at) => {
      const valueOffset = reader.offset;
      const position = reader.uint8('position');
      if (position > 1) {
        throw reader.fail(`position ${position} is not defined (0 normal, 1 tilt)`, valueOffset);
      }
      assignOnce(fields, 'tilted', position === 1, reader, at);
    },
  },
];

/** Milesight EM310-UDL ultrasonic distance sensor (for example the fill level of a waste bin). */
export class MilesightEm310UdlCodec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    return decodeMilesightPayload(CODEC_NAME, bytes, fPort, TELEMETRY);
  }
}
