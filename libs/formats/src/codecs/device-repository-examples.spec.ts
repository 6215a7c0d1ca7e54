import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeWithSamples } from '@stadtdaten/testing';

import { codecFor } from './codec-registry';

/**
 * Decodes the codec examples of The Things Network Device Repository and The Things Stack's
 * Cayenne LPP output, and compares them with the decoded fields. Nested example outputs are
 * flattened with "_" (`line_1.total_in` → `line_1_total_in`, Decentlab `{value}` objects → value).
 */

interface RepositoryExample {
  readonly description: string;
  readonly fPort: number;
  readonly frm_payload_base64: string;
  readonly expected_output: { data?: Record<string, unknown>; errors?: string[] };
}

interface RepositoryDevice {
  readonly vendor: string;
  readonly model: string;
  readonly examples: readonly RepositoryExample[];
}

interface ExampleMapping {
  readonly codec: string;
  /** Flattened example key → decoded key. */
  readonly keys: Readonly<Record<string, string>>;
  /** Converts an example value that the codec represents differently (strings, enums). */
  readonly convert?: Readonly<Record<string, (value: unknown) => unknown>>;
}

const snakeCase = (value: unknown): unknown => String(value).replace(/ /g, '_');

function identity(keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, key]));
}

/** Keyed by `<vendor>/<model>` as the example file names the device. */
const MAPPINGS: Readonly<Record<string, ExampleMapping>> = {
  'milesight-iot/EM310-UDL': {
    codec: 'milesight-em310-udl',
    keys: { battery: 'battery', distance: 'distance', tilt: 'tilted' },
    convert: { tilt: (value) => value === 'tilt' },
  },
  'milesight-iot/EM500-PT100': {
    codec: 'milesight-em500-pt100',
    keys: identity(['battery', 'temperature']),
  },
  'milesight-iot/VS133': {
    codec: 'milesight-vs133',
    keys: identity(
      [1, 2].flatMap((line) =>
        ['total_in', 'total_out', 'period_in', 'period_out'].map((n) => `line_${line}_${n}`),
      ),
    ),
  },
  'decentlab/DL-PM': {
    codec: 'decentlab-dl-pm',
    keys: identity([
      'protocol_version',
      'device_id',
      'battery_voltage',
      'pm1_0_mass_concentration',
      'pm2_5_mass_concentration',
      'pm4_mass_concentration',
      'pm10_mass_concentration',
      'typical_particle_size',
      'pm0_5_number_concentration',
      'pm1_0_number_concentration',
      'pm2_5_number_concentration',
      'pm4_number_concentration',
      'pm10_number_concentration',
      'air_temperature',
      'air_humidity',
      'barometric_pressure',
    ]),
  },
  'bosch/TPS110 (Parking Lot Sensor, codec tps110-0292)': {
    codec: 'bosch-parking',
    keys: {
      type: 'message_type',
      occupied: 'occupied',
      temperature: 'temperature',
      debugCodes: 'debug_codes',
      firmwareVersion: 'firmware_version',
      resetCause: 'reset_cause',
    },
    convert: { type: snakeCase, resetCause: snakeCase },
  },
};

/** Devices in the example file that no codec here covers. */
const UNCOVERED_DEVICES = ['dragino/LHT65'];

function flatten(data: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const path = prefix === '' ? key : `${prefix}_${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = value as Record<string, unknown>;
      if ('value' in nested) {
        flat[path] = nested.value;
      } else {
        Object.assign(flat, flatten(nested, path));
      }
    } else {
      flat[path] = value;
    }
  }

  return flat;
}

function expectedValue(value: unknown): unknown {
  return typeof value === 'number' ? expect.closeTo(value, 9) : value;
}

describeWithSamples('device repository examples', (dataDir) => {
  const devices = JSON.parse(
    readFileSync(join(dataDir, 'lorawan-decoders', 'ttn-device-repo_decoder-examples.json'), 'utf8'),
  ) as RepositoryDevice[];
  const covered = devices.filter((device) => !UNCOVERED_DEVICES.includes(`${device.vendor}/${device.model}`));
  const examples = covered.flatMap((device) =>
    device.examples.map(
      (example) => [`${device.vendor}/${device.model}`, example.description, example] as const,
    ),
  );

  it('maps every device but the uncovered ones', () => {
    const unmapped = covered
      .map((device) => `${device.vendor}/${device.model}`)
      .filter((key) => !MAPPINGS[key]);

    expect(examples.length).toBeGreaterThan(0);
    expect(unmapped).toEqual([]);
  });

  it.each(examples)('%s "%s" matches', (device, _description, example) => {
    const mapping = MAPPINGS[device];
    const decoded = codecFor(mapping.codec).decode(
      Buffer.from(example.frm_payload_base64, 'base64'),
      example.fPort,
    );
    const expected = flatten(example.expected_output.data ?? {});
    const unmapped = Object.keys(expected).filter((key) => mapping.keys[key] === undefined);

    expect(unmapped).toEqual([]);
    for (const [key, value] of Object.entries(expected)) {
      const converted = mapping.convert?.[key]?.(value) ?? value;

      expect({ key, value: decoded[mapping.keys[key]] }).toEqual({ key, value: expectedValue(converted) });
    }
  });

  it('Cayenne LPP matches The Things Stack decoded_payload', () => {
    const uplink = JSON.parse(
      readFileSync(join(dataDir, 'lorawan-ttn-v3', 'kotori_ttn-v3-uplink_cayenne-lpp_full.json'), 'utf8'),
    ) as { uplink_message: { f_port: number; frm_payload: string; decoded_payload: Record<string, number> } };
    const message = uplink.uplink_message;

    const decoded = codecFor('cayenne-lpp').decode(
      Buffer.from(message.frm_payload, 'base64'),
      message.f_port,
    );

    const expected = Object.fromEntries(
      Object.entries(message.decoded_payload).map(([key, value]) => [key, expect.closeTo(value, 9)]),
    );
    expect(decoded).toEqual(expected);
  });
});
