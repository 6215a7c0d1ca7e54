import type { PayloadCodec } from './payload-codec';
import { assignOnce, PayloadReader, requireApplicationPort } from './payload-reader';

const CODEC_NAME = 'cayenne-lpp';

/** One Cayenne LPP data type: its type byte, field name and how its value bytes read. */
interface LppType {
  readonly type: number;
  readonly name: string;
  /** Returns the value, or named parts whose keys go between the name and the channel suffix. */
  read(reader: PayloadReader): number | boolean | Record<string, number>;
}

/**
 * Data types of Cayenne Low Power Payload v1 (myDevices, IPSO object id − 3200), as listed in the
 * CayenneLPP reference library: sizes, signedness and resolutions. Units: analog values as sent
 * (0.01 resolution), luminosity in lux, temperature in °C, relative humidity in %, acceleration in
 * g, barometric pressure in hPa, angular rate in °/s, latitude and longitude in degrees, altitude
 * in m.
 */
const TYPES: readonly LppType[] = [
  { type: 0, name: 'digital_in', read: (r) => r.uint8('digital input') },
  { type: 1, name: 'digital_out', read: (r) => r.uint8('digital output') },
  { type: 2, name: 'analog_in', read: (r) => r.int16be('analog input') / 100 },
  { type: 3, name: 'analog_out', read: (r) => r.int16be('analog output') / 100 },
  { type: 101, name: 'luminosity', read: (r) => r.uint16be('luminosity') },
  {
    type: 102,
    name: 'presence',
    read: (r) => {
      const valueOffset = r.offset;
      const presence = r.uint8('presence');
      if (presence > 1) {
        throw r.fail(`presence ${presence} is not 0 or 1`, valueOffset);
      }

      return presence === 1;
    },
  },
  { type: 103, name: 'temperature', read: (r) => r.int16be('temperature') / 10 },
  { type: 104, name: 'relative_humidity', read: (r) => r.uint8('relative humidity') / 2 },
  {
    type: 113,
    name: 'accelerometer',
    read: (r) => ({
      x: r.int16be('acceleration x') / 1000,
      y: r.int16be('acceleration y') / 1000,
      z: r.int16be('acceleration z') / 1000,
    }),
  },
  { type: 115, name: 'barometric_pressure', read: (r) => r.uint16be('barometric pressure') / 10 },
  {
    type: 134,
    name: 'gyrometer',
    read: (r) => ({
      x: r.int16be('angular rate x') / 100,
      y: r.int16be('angular rate y') / 100,
      z: r.int16be('angular rate z') / 100,
    }),
  },
  {
    type: 136,
    name: 'gps',
    read: (r) => ({
      latitude: r.int24be('latitude') / 10000,
      longitude: r.int24be('longitude') / 10000,
      altitude: r.int24be('altitude') / 100,
    }),
  },
];

/**
 * Cayenne Low Power Payload: a sequence of entries of one channel byte, one type byte and the
 * value bytes of that type (big-endian). Keys carry the channel as a suffix, as The Things Stack
 * names them (`temperature_2`). Multi-axis values get one key per axis (`accelerometer_x_1`,
 * `gps_latitude_1`).
 */
export class CayenneLppCodec implements PayloadCodec {
  readonly name = CODEC_NAME;

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    requireApplicationPort(CODEC_NAME, fPort);
    const reader = new PayloadReader(bytes, CODEC_NAME, fPort);
    if (reader.done) {
      throw reader.fail('payload is empty');
    }

    const fields: Record<string, unknown> = {};
    while (!reader.done) {
      const entryOffset = reader.offset;
      const channel = reader.uint8('channel');
      const typeCode = reader.uint8(`data type of channel ${channel}`);
      const type = TYPES.find((candidate) => candidate.type === typeCode);
      if (type === undefined) {
        throw reader.fail(
          `data type ${typeCode} on channel ${channel} is not a Cayenne LPP type`,
          entryOffset,
        );
      }

      const value = type.read(reader);
      if (typeof value === 'object') {
        for (const [part, partValue] of Object.entries(value)) {
          assignOnce(fields, `${type.name}_${part}_${channel}`, partValue, reader, entryOffset);
        }
      } else {
        assignOnce(fields, `${type.name}_${channel}`, value, reader, entryOffset);
      }
    }

    return fields;
  }
}
