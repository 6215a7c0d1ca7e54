import { ErrorCode, RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
} from '../common/source-decoder-spec.fixtures';
import { ParkingGeoJsonDecoder } from './parking-geojson.decoder';

function makeFacility(
  properties: Record<string, unknown>,
  geometry: unknown = { type: 'Point', coordinates: [8.4, 49.0] },
) {
  return {
    type: 'Feature',
    id: 'parkhaeuser.7',
    geometry,
    properties: {
      id: 7,
      parkhaus_name: 'Schloss',
      gesamte_parkplaetze: 100,
      freie_parkplaetze: 40,
      echtzeit_status: 'OK',
      stand_freieparkplaetze: '2024-11-27T18:35:00Z',
      ...properties,
    },
  };
}

function collection(...features: unknown[]) {
  return jsonInput({ type: 'FeatureCollection', features });
}

describe(ParkingGeoJsonDecoder.name, () => {
  const sut = new ParkingGeoJsonDecoder();
  const ctx = makeSourceContext({ sourceName: 'karlsruhe.geojson' });

  describeWithSamples('Karlsruhe sample', (dir) => {
    const result = sut.decode(readSampleBytes(join(dir, 'parking', 'karlsruhe_parkhaeuser.geojson')), ctx);

    it('reads every facility', () => {
      expect(result.features).toHaveLength(90);
      expect(result.features[0]).toEqual({
        key: '1',
        name: 'Modepark Röther',
        geometry: { type: 'Point', coordinates: [8.19944747, 48.86051666] },
        properties: {
          capacity: 59,
          gemeinde: 'Rastatt',
          parkhaus_strasse: 'Kaiserstraße 75',
          parkhaus_plz: '76437',
          max_durchfahrtshoehe: 1.85,
        },
      });
    });

    it('reads free spaces, capacity and status', () => {
      expect(recordsOf(result, '1', 'free_spaces')).toEqual([
        {
          featureKey: '1',
          field: 'free_spaces',
          value: 16,
          timeMs: Date.UTC(2024, 10, 27, 18, 39),
          position: 'features[0].properties.freie_parkplaetze',
        },
      ]);
      expect(recordsOf(result, '1', 'capacity')[0].value).toBe(59);
      expect(recordsOf(result, '1', 'status')[0].value).toBe('open');
    });

    it('maps Geschlossen and Störung', () => {
      expect(recordsOf(result, '3', 'status')[0].value).toBe('closed');
      expect(recordsOf(result, '3', 'free_spaces')[0].value).toBe(226);
      expect(recordsOf(result, '54', 'status')[0]).toMatchObject({
        value: 'fault',
        timeMs: Date.UTC(2024, 10, 27, 18, 35),
      });
    });

    it('counts sites without real-time data as missing', () => {
      expect(result.records).toHaveLength(117);
      expect(result.missing).toBe(102);
      expect(result.problems).toEqual([]);
      expect(result.records.some((record) => record.featureKey === '90')).toBe(false);
    });
  });

  describe('inline input', () => {
    it('copies T and F as booleans', () => {
      const result = sut.decode(collection(makeFacility({ barrierefrei: 'T', aufzug: 'F' })), {
        ...ctx,
        options: { copyProperties: ['barrierefrei', 'aufzug'] },
      });

      expect(result.features[0].properties).toEqual({ capacity: 100, barrierefrei: true, aufzug: false });
    });

    it('uses the feature id without key property', () => {
      const result = sut.decode(collection(makeFacility({ id: undefined })), ctx);

      expect(result.features[0].key).toBe('parkhaeuser.7');
    });

    it('keeps a facility without geometry', () => {
      const result = sut.decode(collection(makeFacility({}, null)), ctx);

      expect(result.features[0].geometry).toBeUndefined();
      expect(result.records).toHaveLength(3);
    });

    it.each([
      [
        'an unknown status',
        { echtzeit_status: 'Wartung' },
        RejectionCode.INVALID_PAYLOAD,
        'features[0].properties.echtzeit_status',
      ],
      [
        'free spaces as text',
        { freie_parkplaetze: '40' },
        RejectionCode.INVALID_PAYLOAD,
        'features[0].properties.freie_parkplaetze',
      ],
      [
        'values without time',
        { stand_freieparkplaetze: null },
        RejectionCode.INVALID_TIMESTAMP,
        'features[0].properties.stand_freieparkplaetze',
      ],
      [
        'an unreadable time',
        { stand_freieparkplaetze: '27.11.2024' },
        RejectionCode.INVALID_TIMESTAMP,
        'features[0].properties.stand_freieparkplaetze',
      ],
    ])('reports %s', (_label, properties, code, position) => {
      const result = sut.decode(collection(makeFacility(properties)), ctx);

      expect(problemSummary(result)).toEqual([[code, position]]);
    });

    it('reports a repeated facility id', () => {
      const result = sut.decode(collection(makeFacility({}), makeFacility({ freie_parkplaetze: 3 })), ctx);

      expect(result.features).toHaveLength(1);
      expect(problemSummary(result)).toEqual([[RejectionCode.INVALID_PAYLOAD, 'features[1]']]);
      expect(recordsOf(result, '7', 'free_spaces').map((record) => record.value)).toEqual([40]);
    });

    it('maps configured status texts', () => {
      const result = sut.decode(collection(makeFacility({ echtzeit_status: 'Wartung' })), {
        ...ctx,
        options: { statusValues: { Wartung: 'closed' } },
      });

      expect(recordsOf(result, '7', 'status')[0].value).toBe('closed');
    });

    it('rejects input that is no FeatureCollection', () => {
      expect(() => sut.decode(jsonInput([makeFacility({})]), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });

    it('rejects invalid options', () => {
      expect(() => sut.decode(collection(), { ...ctx, options: { copyProperties: 'gemeinde' } })).toThrow(
        expect.objectContaining({ code: ErrorCode.INVALID_CONFIG }),
      );
    });
  });
});
