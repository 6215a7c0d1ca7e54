import { ErrorCode, RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import { NgsiV2Decoder } from './ngsi-v2.decoder';

function makeNormalizedEntity(overrides: Record<string, unknown> = {}) {
  return {
    id: 'AirQualityObserved:Luisenplatz',
    type: 'AirQualityObserved',
    no2: {
      type: 'Number',
      value: 31.5,
      metadata: {
        unitCode: { type: 'Text', value: 'GQ' },
        TimeInstant: { type: 'DateTime', value: '2024-05-01T10:00:00.000Z' },
      },
    },
    pm25: { type: 'Number', value: 8, metadata: {} },
    dateObserved: { type: 'DateTime', value: '2024-05-01T09:00:00.000Z' },
    location: { type: 'geo:json', value: { type: 'Point', coordinates: [8.6512, 49.8727] } },
    ...overrides,
  };
}

describe(NgsiV2Decoder.name, () => {
  const sut = new NgsiV2Decoder();
  const ctx = makeSourceContext({ sourceName: 'orion' });

  describeWithSamples('Smart Data Models sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'ngsi-ld', 'AirQualityObserved_keyvalues_ngsiv2.json')),
      ctx,
    );

    it('reads the keyValues entity', () => {
      expect(result.features).toEqual([
        {
          key: 'Madrid-AmbientObserved-28079004-2016-03-15T11:00:00',
          geometry: { type: 'Point', coordinates: [-3.712247222222222, 40.423852777777775] },
          properties: {
            entity_type: 'AirQualityObserved',
            street_address: 'Plaza de España',
            address_locality: 'Madrid',
            address_country: 'ES',
          },
        },
      ]);
      expect(result.records.map((record) => [record.field, record.value, record.unit])).toEqual([
        ['no', 45, undefined],
        ['nox', 139, undefined],
        ['so2', 11, undefined],
        ['co', 500, undefined],
        ['co2', 69, undefined],
        ['temperature', 12.2, undefined],
        ['relative_humidity', 54, '%'],
        ['wind_speed', 0.64, undefined],
        ['wind_direction', 176, undefined],
        ['precipitation', 0, undefined],
        ['air_quality_index', 65, undefined],
        ['air_quality_level', 'moderate', undefined],
      ]);
    });

    it('reads dateObserved in the time zone', () => {
      expect(new Set(result.records.map((record) => record.timeMs))).toEqual(
        new Set([Date.UTC(2016, 2, 15, 10)]),
      );
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });
  });

  describe('inline input', () => {
    it('reads metadata unit and time', () => {
      const result = sut.decode(jsonInput(makeNormalizedEntity()), ctx);

      expect(result.records).toEqual([
        {
          featureKey: 'AirQualityObserved:Luisenplatz',
          field: 'no2',
          value: 31.5,
          unit: 'ug/m3',
          timeMs: Date.UTC(2024, 4, 1, 10),
          position: 'entities[0].no2',
        },
        {
          featureKey: 'AirQualityObserved:Luisenplatz',
          field: 'pm2_5',
          value: 8,
          timeMs: Date.UTC(2024, 4, 1, 9),
          position: 'entities[0].pm25',
        },
      ]);
      expect(result.features[0].geometry).toEqual({ type: 'Point', coordinates: [8.6512, 49.8727] });
    });

    it('reads a notification', () => {
      const notification = {
        subscriptionId: '5f1',
        data: [makeNormalizedEntity(), makeNormalizedEntity({ id: 'B' })],
      };
      const result = sut.decode(jsonInput(notification), ctx);

      expect(result.features.map((feature) => feature.key)).toEqual(['AirQualityObserved:Luisenplatz', 'B']);
      expect(
        result.records.filter((record) => record.field === 'no2').map((record) => record.position),
      ).toEqual(['data[0].no2', 'data[1].no2']);
    });

    it('reads numeric text', () => {
      const result = sut.decode(
        jsonInput(makeNormalizedEntity({ pm25: { type: 'Text', value: '8.5' } })),
        ctx,
      );

      expect(result.records[1].value).toBe(8.5);
    });

    it('reports a bad metadata time', () => {
      const no2 = {
        type: 'Number',
        value: 3,
        metadata: { TimeInstant: { type: 'DateTime', value: '2024-13-01T00:00:00Z' } },
      };
      const result = sut.decode(jsonInput(makeNormalizedEntity({ no2 })), ctx);

      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'entities[0].no2.metadata.TimeInstant'],
      ]);
    });

    it('rejects a document of another shape', () => {
      expect(() => sut.decode(jsonInput({ error: 'NotFound' }), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });

    it('rejects an invalid field name option', () => {
      expect(() =>
        sut.decode(jsonInput(makeNormalizedEntity()), { ...ctx, options: { attributes: { pm4: 'PM4' } } }),
      ).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }));
    });
  });
});
