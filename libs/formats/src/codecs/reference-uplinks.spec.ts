import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeWithSamples } from '@stadtdaten/testing';

import { codecFor } from './codec-registry';

/**
 * Decodes every uplink of the The Things Stack and ChirpStack samples and compares the numbers
 * and booleans with ThingsBoard's decoded telemetry for the same line. ThingsBoard names fields
 * differently, so each device model has a table from ThingsBoard's key to the decoded key.
 */

/** A ThingsBoard value that the manufacturer's description decodes differently, and why. */
interface SpecDifference {
  readonly decodedKey: string;
  readonly fact: string;
}

interface ModelReference {
  readonly codec: string;
  /** ThingsBoard telemetry key → decoded key. */
  readonly fields: Readonly<Record<string, string>>;
  /** ThingsBoard keys that come from the network server's metadata, not from the payload. */
  readonly metadataKeys?: RegExp;
  readonly specDifferences?: Readonly<Record<string, SpecDifference>>;
}

const DECENTLAB_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  [
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
  ].map((key) => [key, key]),
);

const VS133_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  [1, 2, 3, 4].flatMap((line) => [
    [`line_${line}.0_total_in`, `line_${line}_total_in`],
    [`line_${line}.0_total_out`, `line_${line}_total_out`],
  ]),
);

/** Keyed by `<vendor>/<model>` as uplinks_index.csv names the device. */
const MODELS: Readonly<Record<string, ModelReference>> = {
  'Bosch/Parking_Lot_Sensor': {
    codec: 'bosch-parking',
    fields: { occupied: 'occupied', temperature: 'temperature' },
    specDifferences: {
      firmwareVersion: {
        decodedKey: 'firmware_version',
        fact: 'bytes 12..14 are major.minor.patch (Device Repository example 0.29.2, Bosch PLS interface descriptions 0.23.3 and 0.29.4); ThingsBoard reverses them',
      },
    },
  },
  // ThingsBoard files this device as G4_NCC_FM: it is Nwave's car counter, not the parking sensor.
  'Nwave/G4_NCC_FM': {
    codec: 'nwave-car-counter',
    fields: {},
    specDifferences: {
      hw_health_status: {
        decodedKey: 'hw_health_status',
        fact: "Nwave's car counter page puts the error mask in bits 4..0 of byte 0 and reserves bits 7..5; ThingsBoard's 40 for byte 0xA8 includes reserved bit 5",
      },
      battery_voltage: {
        decodedKey: 'battery_voltage',
        fact: "Nwave's car counter page gives Vbat = 2400 + 5·value mV; ThingsBoard's values fit 2500 + 4·value mV",
      },
      battery_voltage_mean_24h: {
        decodedKey: 'battery_voltage_mean_24h',
        fact: "Nwave's car counter page gives Vbat = 2400 + 5·value mV for the 24 h mean too; ThingsBoard's values fit 2500 + 4·value mV",
      },
    },
  },
  'Milesight/EM310-UDL': {
    codec: 'milesight-em310-udl',
    fields: { battery: 'battery', distance: 'distance' },
  },
  'Decentlab/DL-PM': {
    codec: 'decentlab-dl-pm',
    fields: DECENTLAB_FIELDS,
    metadataKeys: /^lora_/,
  },
  // The sample payload also carries CO2 (type 0x06, 776 ppm), which ThingsBoard's ERS2 converter drops.
  'Elsys/ERS2': {
    codec: 'elsys',
    fields: { temperature: 'temperature', humidity: 'humidity', light: 'light', pir: 'motion', vdd: 'vdd' },
  },
  'Milesight/VS133': { codec: 'milesight-vs133', fields: VS133_FIELDS },
  'Milesight/EM500-PT100': {
    codec: 'milesight-em500-pt100',
    fields: { battery: 'battery', temperature: 'temperature' },
  },
};

interface ReferenceLine {
  readonly line: number;
  readonly model: string;
  readonly fPort: number;
  readonly payload: Uint8Array;
  readonly reference: Record<string, unknown>;
}

function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.parse(text) as Record<string, unknown>);
}

function readIndex(path: string): Map<number, string> {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const models = new Map<number, string>();
  for (const row of rows) {
    const cells = row.split(',');
    if (cells.length !== columns.length) {
      throw new Error(`${path}: row "${row}" has ${cells.length} cells, the header has ${columns.length}`);
    }
    const cell = (name: string): string => cells[columns.indexOf(name)];
    models.set(Number(cell('line')), `${cell('vendor')}/${cell('model')}`);
  }

  return models;
}

/** Base64 payload and fPort of a TTS v3 `uplink_message`, or of a ChirpStack v4 or v3 event. */
function payloadOf(uplink: Record<string, unknown>): { fPort: number; payload: Uint8Array } {
  const tts = uplink.uplink_message as { frm_payload: string; f_port: number } | undefined;
  if (tts !== undefined) {
    return { fPort: tts.f_port, payload: Buffer.from(tts.frm_payload, 'base64') };
  }

  // ChirpStack v3 lines also carry objectJSON, but it belongs to another payload: decode `data`.
  const chirpstack = uplink as { data: string; fPort: number };

  return { fPort: chirpstack.fPort, payload: Buffer.from(chirpstack.data, 'base64') };
}

function telemetryOf(expected: Record<string, unknown>): Record<string, unknown> {
  const result = expected.thingsboard_result as { telemetry: { values: Record<string, unknown> }[] };

  return Object.assign({}, ...result.telemetry.map((entry) => entry.values)) as Record<string, unknown>;
}

function loadReferenceLines(folder: string): ReferenceLine[] {
  const uplinks = readJsonLines(join(folder, 'uplinks.jsonl'));
  const expected = readJsonLines(join(folder, 'expected_thingsboard_decoded.jsonl'));
  const models = readIndex(join(folder, 'uplinks_index.csv'));

  return uplinks.map((uplink, index) => {
    const line = index + 1;
    const reference = expected.find((entry) => entry.line === line);
    if (reference === undefined) {
      throw new Error(`${folder}: no ThingsBoard result for line ${line}`);
    }

    return {
      line,
      model: models.get(line) ?? 'unknown',
      ...payloadOf(uplink),
      reference: telemetryOf(reference),
    };
  });
}

function isComparable(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/** Compares one value; the key is part of the compared object so that a failure names it. */
function expectSameValue(decoded: unknown, reference: number | boolean, key: string): void {
  const expected = typeof reference === 'boolean' ? reference : expect.closeTo(reference, 9);

  expect({ key, value: decoded }).toEqual({ key, value: expected });
}

describeWithSamples('ThingsBoard reference uplinks', (dataDir) => {
  for (const source of ['lorawan-ttn-v3', 'lorawan-chirpstack-v4']) {
    describe(source, () => {
      const lines = loadReferenceLines(join(dataDir, source));

      it('covers every line with a model table', () => {
        const unknownModels = lines
          .filter((line) => MODELS[line.model] === undefined)
          .map((line) => line.model);

        expect(lines.length).toBeGreaterThan(0);
        expect(unknownModels).toEqual([]);
      });

      it.each(lines.map((line) => [line.line, line.model, line] as const))(
        'line %i (%s) matches ThingsBoard',
        (_line, _model, sample) => {
          const model = MODELS[sample.model];
          const decoded = codecFor(model.codec).decode(sample.payload, sample.fPort);
          const compared = Object.entries(sample.reference).filter(
            ([key, value]) =>
              isComparable(value) &&
              !model.metadataKeys?.test(key) &&
              model.specDifferences?.[key] === undefined,
          );
          const unmapped = compared.filter(([key]) => model.fields[key] === undefined).map(([key]) => key);

          expect(unmapped).toEqual([]);
          for (const [key, value] of compared) {
            expectSameValue(decoded[model.fields[key]], value as number | boolean, key);
          }
        },
      );

      const differences = lines.flatMap((sample) =>
        Object.entries(MODELS[sample.model]?.specDifferences ?? {})
          .filter(([key]) => key in sample.reference)
          .map(([key, difference]) => [sample.line, key, sample, difference] as const),
      );
      if (differences.length > 0) {
        it.each(differences)('line %i %s follows the manufacturer', (_line, key, sample, difference) => {
          const decoded = codecFor(MODELS[sample.model].codec).decode(sample.payload, sample.fPort);
          const value = decoded[difference.decodedKey];
          const reference = sample.reference[key];
          const differs =
            typeof reference === 'number'
              ? Math.abs((value as number) - reference) > 1e-9
              : JSON.stringify(value) !== JSON.stringify(reference);

          expect(typeof value).toBe(typeof reference);
          expect({ fact: difference.fact, differs }).toEqual({ fact: difference.fact, differs: true });
        });
      }
    });
  }
});
