import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  SPEC_NOW_MS,
} from '../common/source-decoder-spec.fixtures';
import { NgsiLdDecoder } from './ngsi-ld.decoder';

const AIR_KEY = 'urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00';
const PARKING_KEY = 'urn:ngsi-ld:OffStreetParking:porto-ParkingLot-23889';

function makeEntity(attributes: Record<string, unknown>, id = 'urn:ngsi-ld:ParkingSpot:a') {
  return { id, type: 'ParkingSpot', ...attributes };
}

describe(NgsiLdDecoder.name, () => {
  const sut = new NgsiLdDecoder();
  const ctx = makeSourceContext({ sourceName: 'entities.jsonld' });

  describeWithSamples('Smart Data Models samples', (dir) => {
    const decodeSample = (file: string, options: Record<string, unknown> = {}) =>
      sut.decode(readSampleBytes(join(dir, 'ngsi-ld', file)), { ...ctx, options });

    it('reads AirQualityObserved with unit codes', () => {
      const result = decodeSample('AirQualityObserved_normalized.jsonld');
      const values = result.records.map((record) => [record.field, record.value, record.unit]);

      expect(result.features).toEqual([
        {
          key: AIR_KEY,
          geometry: { type: 'Point', coordinates: [-3.712247222222222, 40.423852777777775] },
          properties: {
            entity_type: 'AirQualityObserved',
            street_address: 'Plaza de España',
            address_locality: 'Madrid',
            address_country: 'ES',
          },
        },
      ]);
      expect(values).toEqual([
        ['no2', 69, 'ug/m3'],
        ['no', 45, 'ug/m3'],
        ['nox', 139, 'ug/m3'],
        ['so2', 11, 'ug/m3'],
        ['co', 500, 'mg/m3'],
        ['temperature', 12.2, undefined],
        ['relative_humidity', 54, '%'],
        ['wind_speed', 0.64, undefined],
        ['wind_direction', 186, undefined],
        ['precipitation', 0, undefined],
        ['air_quality_index', 65, undefined],
        ['air_quality_level', 'moderate', undefined],
      ]);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads dateObserved without offset in the time zone', () => {
      const result = decodeSample('AirQualityObserved_normalized.jsonld');

      expect(new Set(result.records.map((record) => record.timeMs))).toEqual(
        new Set([Date.UTC(2016, 2, 15, 10)]),
      );
      expect(recordsOf(result, AIR_KEY, 'no2')[0].position).toBe('entities[0].no2');
    });

    it('reads OffStreetParking with observedAt', () => {
      const result = decodeSample('OffStreetParking_normalized.jsonld');

      expect(result.features[0].name).toBe('Parque de estacionamento Trindade');
      expect(recordsOf(result, PARKING_KEY, 'free_spaces')).toEqual([
        {
          featureKey: PARKING_KEY,
          field: 'free_spaces',
          value: 132,
          timeMs: Date.UTC(2018, 8, 21, 12),
          position: 'entities[0].availableSpotNumber',
        },
      ]);
      expect(recordsOf(result, PARKING_KEY, 'capacity')[0]).toMatchObject({
        value: 414,
        timeMs: Date.UTC(2021, 2, 11, 15, 51, 2),
      });
      expect(recordsOf(result, PARKING_KEY, 'occupancy_rate')[0]).toMatchObject({ value: 68, unit: '%' });
      expect(recordsOf(result, PARKING_KEY, 'occupied_spaces')[0].value).toBe(282);
      expect(result.records).toHaveLength(4);
    });

    it('reads the keyValues representation', () => {
      const result = decodeSample('OffStreetParking_keyvalues.jsonld');

      expect(result.records.map((record) => [record.field, record.value, record.timeMs])).toEqual([
        ['free_spaces', 132, Date.UTC(2021, 2, 11, 15, 51, 2)],
        ['capacity', 414, Date.UTC(2021, 2, 11, 15, 51, 2)],
        ['occupied_spaces', 282, Date.UTC(2021, 2, 11, 15, 51, 2)],
        ['occupancy_rate', 68, Date.UTC(2021, 2, 11, 15, 51, 2)],
      ]);
      expect(result.features[0].geometry).toEqual({
        type: 'Point',
        coordinates: [-8.60961198807, 41.150691773],
      });
    });

    it('reads the ParkingSpot status', () => {
      const result = decodeSample('ParkingSpot_normalized.jsonld');

      expect(result.features[0]).toMatchObject({
        key: 'urn:ngsi-ld:ParkingSpot:santander:daoiz_velarde_1_5:3',
        name: 'A-13',
      });
      expect(result.records.map((record) => [record.field, record.value, record.timeMs])).toEqual([
        ['status', 'free', Date.UTC(2018, 8, 21, 12)],
      ]);
    });

    it('rejects WasteContainer values without time', () => {
      const result = decodeSample('WasteContainer_normalized_2020_with_fillingLevel.jsonld');

      expect(result.records).toEqual([]);
      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_TIMESTAMP, 'entities[0]']]);
      expect(result.problems[0].message).toContain('status, fillingLevel');
    });

    it('uses the fetch time for WasteContainer on request', () => {
      const result = decodeSample('WasteContainer_normalized_2020_with_fillingLevel.jsonld', {
        missingTime: 'now',
      });

      expect(
        result.records.map((record) => [record.field, record.value, record.unit, record.timeMs]),
      ).toEqual([
        ['status', 'ok', undefined, SPEC_NOW_MS],
        ['fill_level', 40, '%', SPEC_NOW_MS],
      ]);
    });

    it('reads the 2024 WasteContainer as a feature only', () => {
      const result = decodeSample('WasteContainer_normalized.jsonld');

      expect(result.features).toEqual([
        {
          key: 'urn:ngsi-ld:wastecontainer:1021:AAWD',
          geometry: { type: 'Point', coordinates: [-8.768460000000001, 42.60214472222222] },
          properties: { entity_type: 'WasteContainer' },
        },
      ]);
      expect(result.records).toEqual([]);
      expect(result.problems).toEqual([]);
    });
  });

  describe('inline input', () => {
    it('reads a notification', () => {
      const notification = {
        id: 'urn:ngsi-ld:Notification:1',
        type: 'Notification',
        notifiedAt: '2024-05-01T10:00:00Z',
        data: [
          makeEntity({ status: { type: 'Property', value: 'occupied', observedAt: '2024-05-01T09:59:00Z' } }),
          makeEntity(
            { status: { type: 'Property', value: 'free', observedAt: '2024-05-01T09:58:00Z' } },
            'urn:b',
          ),
        ],
      };
      const result = sut.decode(jsonInput(notification), ctx);

      expect(result.records.map((record) => [record.featureKey, record.value, record.position])).toEqual([
        ['urn:ngsi-ld:ParkingSpot:a', 'occupied', 'data[0].status'],
        ['urn:b', 'free', 'data[1].status'],
      ]);
    });

    it('reads the default instance of a multi-attribute', () => {
      const entity = makeEntity({
        availableSpotNumber: [
          { type: 'Property', value: 3, datasetId: 'urn:ds:cars', observedAt: '2024-05-01T10:00:00Z' },
          { type: 'Property', value: 9, observedAt: '2024-05-01T10:00:00Z' },
        ],
      });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(result.records.map((record) => record.value)).toEqual([9]);
    });

    it('keeps a fillingLevel in percent', () => {
      const entity = makeEntity({
        fillingLevel: { type: 'Property', value: 72, unitCode: 'P1', observedAt: '2024-05-01T10:00:00Z' },
      });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(result.records[0]).toMatchObject({ field: 'fill_level', value: 72, unit: '%' });
    });

    it('uses the end of a dateObserved interval', () => {
      const entity = makeEntity({ dateObserved: '2024-05-01T10:00:00Z/2024-05-01T11:00:00Z', no2: 21 });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(result.records[0].timeMs).toBe(Date.UTC(2024, 4, 1, 11));
    });

    it('counts null values as missing', () => {
      const entity = makeEntity({ dateObserved: '2024-05-01T10:00:00Z', no2: null, pm25: 7 });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(result.missing).toBe(1);
      expect(result.records.map((record) => [record.field, record.value])).toEqual([['pm2_5', 7]]);
    });

    it('reads configured attributes', () => {
      const entity = makeEntity({ dateObserved: '2024-05-01T10:00:00Z', binFullnessThreshold: 80, pm4: 37 });
      const result = sut.decode(jsonInput(entity), {
        ...ctx,
        options: { attributes: { binFullnessThreshold: 'fullness_threshold' } },
      });

      expect(result.records.map((record) => [record.field, record.value])).toEqual([
        ['fullness_threshold', 80],
      ]);
    });

    it.each([
      [
        'an unknown unitCode',
        { no2: { type: 'Property', value: 3, unitCode: 'XYZ' } },
        'entities[0].no2.unitCode',
      ],
      ['a number as text', { no2: { type: 'Property', value: 'viel' } }, 'entities[0].no2'],
      ['a status object', { status: { type: 'Property', value: { state: 'free' } } }, 'entities[0].status'],
    ])('reports %s', (_label, attributes, position) => {
      const entity = makeEntity({ dateObserved: '2024-05-01T10:00:00Z', ...attributes });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_PAYLOAD, position]]);
    });

    it('reports a bad observedAt', () => {
      const entity = makeEntity({ status: { type: 'Property', value: 'free', observedAt: 'gestern' } });
      const result = sut.decode(jsonInput(entity), ctx);

      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_TIMESTAMP, 'entities[0].status.observedAt'],
      ]);
    });

    it('reports an entity without id', () => {
      const result = sut.decode(jsonInput([{ type: 'ParkingSpot' }, 7]), ctx);

      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 'entities[0].id'],
        [RejectionCode.INVALID_PAYLOAD, 'entities[1].id'],
      ]);
    });

    it('rejects a notification without data', () => {
      expect(() => sut.decode(jsonInput({ id: 'urn:n', type: 'Notification' }), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });
  });
});
