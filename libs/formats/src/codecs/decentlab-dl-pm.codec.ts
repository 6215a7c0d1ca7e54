import type { PayloadCodec } from './payload-codec';
import { PayloadReader, requireApplicationPort } from './payload-reader';

const CODEC_NAME = 'decentlab-dl-pm';

const PROTOCOL_VERSION = 2;

/** One sensor of the DL-PM: how many 16-bit words it sends and how they become fields. */
interface DecentlabSensor {
  readonly description: string;
  readonly words: number;
  convert(words: readonly number[]): Record<string, number>;
}

/**
 * Sensors of the DL-PM in flag bit order, with the conversions of Decentlab's DL-PM decoder
 * (github.com/decentlab/decentlab-decoders, DL-PM). Battery voltage is in V, mass concentrations
 * in µg/m³ and the typical particle size in nm. Decentlab gives no unit for the number
 * concentrations. Air temperature is in °C, relative humidity in % and barometric pressure in Pa.
 */
const SENSORS: readonly DecentlabSensor[] = [
  {
    description: 'battery voltage',
    words: 1,
    convert: ([battery]) => ({ battery_voltage: battery / 1000 }),
  },
  {
    description: 'particulate matter',
    words: 10,
    convert: (words) => ({
      pm1_0_mass_concentration: words[0] / 10,
      pm2_5_mass_concentration: words[1] / 10,
      pm4_mass_concentration: words[2] / 10,
      pm10_mass_concentration: words[3] / 10,
      typical_particle_size: words[4],
      pm0_5_number_concentration: words[5] / 10,
      pm1_0_number_concentration: words[6] / 10,
      pm2_5_number_concentration: words[7] / 10,
      pm4_number_concentration: words[8] / 10,
      pm10_number_concentration: words[9] / 10,
    }),
  },
  {
    description: 'air temperature and humidity',
    words: 2,
    convert: ([temperature, humidity]) => ({
      air_temperature: (175.72 * temperature) / 65536 - 46.85,
      air_humidity: (125 * humidity) / 65536 - 6,
    }),
  },
  {
    description: 'barometric pressure',
    words: 1,
    convert: ([pressure]) => ({ barometric_pressure: pressure * 2 }),
  },
];

const KNOWN_FLAGS = (1 << SENSORS.length) - 1;

/**
 * Decentlab DL-PM particulate matter sensor, Decentlab protocol version 2: byte 0 the protocol
 * version, bytes 1..2 the device id, bytes 3..4 the sensor flags, then for each flagged sensor (bit 0
 * first) its values as big-endian unsigned 16-bit words. The layout does not depend on the port,
 * so every application port is accepted.
 */
export class DecentlabDlPmCodec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireApplicationPort(CODEC_NAME, fPort);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);

    const version = reader.uint8('protocol version');
    if (version !== PROTOCOL_VERSION) {
      throw reader.fail(`protocol version ${version} is not supported (expected ${PROTOCOL_VERSION})`, 0);
    }
    const deviceId = reader.uint16be('device id');
    const flagsOffset = reader.offset;
    const flags = reader.uint16be('sensor flags');
    if ((flags & ~KNOWN_FLAGS) !== 0) {
      throw reader.fail(
        `sensor flags 0x${flags.toString(16).padStart(4, '0')} name sensors the DL-PM does not have (bits 0..${SENSORS.length - 1} only)`,
        flagsOffset,
      );
    }

    const fields: Record<string, unknown> = { protocol_version: version, device_id: deviceId };
    SENSORS.forEach((sensor, bit) => {
      if ((flags & (1 << bit)) === 0) {
        return;
      }
      const words = Array.from({ length: sensor.words }, () => reader.uint16be(sensor.description));
      Object.assign(fields, sensor.convert(words));
    });

    if (!reader.done) {
      throw reader.fail(`${reader.remaining} byte(s) follow the values of the flagged sensors`);
    }

    return fields;
  }
}
