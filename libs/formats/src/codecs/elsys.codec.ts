import type { PayloadCodec } from './payload-codec';
import { assignOnce, PayloadReader, requireApplicationPort } from './payload-reader';

const CODEC_NAME = 'elsys';

/** One Elsys data type: the type byte and the function that reads its value bytes. */
interface ElsysType {
  readonly type: number;
  readonly description: string;
  read(reader: PayloadReader): Record<string, unknown>;
}

/** Acceleration in g; Elsys sends each axis as a signed byte with ±63 = 1 g. */
const COUNTS_PER_G = 63;

function tenths(value: number): number {
  return value / 10;
}

/**
 * Data types per the type table of Elsys's own decoder in The Things Network Device Repository
 * (vendor/elsys/elsys.js). Values are big-endian. Temperatures are in °C, humidity in %, light in
 * lux, motion is a count of PIR events, CO2 is in ppm, VDD and analog inputs in mV, distance in mm.
 * Pressure is in hPa, TVOC in ppb and the load cell input in µV. The table gives no unit for sound.
 *
 * NOTE: GPS (0x09), Grid-EYE (0x13) and the settings and debug frames are not decoded, and a
 * repeated 0x19 (several external probes on one ELT) is rejected as a duplicate.
 */
const TYPES: readonly ElsysType[] = [
  {
    type: 0x01,
    description: 'temperature',
    read: (r) => ({ temperature: tenths(r.int16be('temperature')) }),
  },
  { type: 0x02, description: 'humidity', read: (r) => ({ humidity: r.uint8('humidity') }) },
  {
    type: 0x03,
    description: 'acceleration',
    read: (r) => ({
      acceleration_x: r.int8('acceleration x') / COUNTS_PER_G,
      acceleration_y: r.int8('acceleration y') / COUNTS_PER_G,
      acceleration_z: r.int8('acceleration z') / COUNTS_PER_G,
    }),
  },
  { type: 0x04, description: 'light', read: (r) => ({ light: r.uint16be('light') }) },
  { type: 0x05, description: 'motion', read: (r) => ({ motion: r.uint8('motion') }) },
  { type: 0x06, description: 'CO2', read: (r) => ({ co2: r.uint16be('CO2') }) },
  { type: 0x07, description: 'VDD', read: (r) => ({ vdd: r.uint16be('VDD') }) },
  { type: 0x08, description: 'analog input 1', read: (r) => ({ analog_1: r.uint16be('analog input 1') }) },
  { type: 0x0a, description: 'pulse count 1', read: (r) => ({ pulse_1: r.uint16be('pulse count 1') }) },
  {
    type: 0x0b,
    description: 'absolute pulse count 1',
    read: (r) => ({ pulse_1_absolute: r.uint32be('absolute pulse count 1') }),
  },
  {
    type: 0x0c,
    description: 'external temperature',
    read: (r) => ({ external_temperature: tenths(r.int16be('external temperature')) }),
  },
  {
    type: 0x0d,
    description: 'external digital input',
    read: (r) => ({ external_digital: r.uint8('external digital input') !== 0 }),
  },
  {
    type: 0x0e,
    description: 'external distance',
    read: (r) => ({ distance: r.uint16be('external distance') }),
  },
  {
    type: 0x0f,
    description: 'acceleration motion',
    read: (r) => ({ acceleration_motion: r.uint8('acceleration motion') }),
  },
  {
    type: 0x10,
    description: 'IR temperature',
    read: (r) => ({
      ir_internal_temperature: tenths(r.int16be('IR internal temperature')),
      ir_external_temperature: tenths(r.int16be('IR external temperature')),
    }),
  },
  { type: 0x11, description: 'occupancy', read: (r) => ({ occupancy: r.uint8('occupancy') }) },
  { type: 0x12, description: 'water leak', read: (r) => ({ water_leak: r.uint8('water leak') }) },
  { type: 0x14, description: 'pressure', read: (r) => ({ pressure: r.uint32be('pressure') / 1000 }) },
  {
    type: 0x15,
    description: 'sound',
    read: (r) => ({ sound_peak: r.uint8('sound peak'), sound_average: r.uint8('sound average') }),
  },
  { type: 0x16, description: 'pulse count 2', read: (r) => ({ pulse_2: r.uint16be('pulse count 2') }) },
  {
    type: 0x17,
    description: 'absolute pulse count 2',
    read: (r) => ({ pulse_2_absolute: r.uint32be('absolute pulse count 2') }),
  },
  { type: 0x18, description: 'analog input 2', read: (r) => ({ analog_2: r.uint16be('analog input 2') }) },
  {
    type: 0x19,
    description: 'external temperature 2',
    read: (r) => ({ external_temperature_2: tenths(r.int16be('external temperature 2')) }),
  },
  {
    type: 0x1a,
    description: 'external digital input 2',
    read: (r) => ({ external_digital_2: r.uint8('external digital input 2') !== 0 }),
  },
  {
    type: 0x1b,
    description: 'load cell analog input',
    read: (r) => ({ analog_load_cell: r.int32be('load cell analog input') }),
  },
  { type: 0x1c, description: 'TVOC', read: (r) => ({ tvoc: r.uint16be('TVOC') }) },
];

/**
 * Elsys sensors (ERS, ERS2, ERS CO2, ELT and others): a sequence of one type byte followed by the
 * value bytes of that type. The layout does not depend on the port, so every application port is
 * accepted.
 */
export class ElsysCodec implements PayloadCodec {
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
      const typeCode = reader.uint8('data type');
      const type = TYPES.find((candidate) => candidate.type === typeCode);
      if (type === undefined) {
        throw reader.fail(
          `data type 0x${typeCode.toString(16).padStart(2, '0')} is not decoded`,
          entryOffset,
        );
      }
      for (const [key, value] of Object.entries(type.read(reader))) {
        assignOnce(fields, key, value, reader, entryOffset);
      }
    }

    return fields;
  }
}
