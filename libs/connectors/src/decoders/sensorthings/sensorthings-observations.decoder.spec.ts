import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import { SensorThingsObservationsDecoder } from './sensorthings-observations.decoder';

const PAGE_URL =
  'https://sensors.bgs.ac.uk/FROST-Server/v1.1/Datastreams(1)/Observations?$top=500&$count=true&$filter=year(phenomenonTime) eq 2023';

function makeObservation(overrides: Record<string, unknown> = {}) {
  return { '@iot.id': 11, phenomenonTime: '2024-05-01T10:00:00.000Z', result: 4.2, ...overrides };
}

describe(SensorThingsObservationsDecoder.name, () => {
  const sut = new SensorThingsObservationsDecoder();
  const ctx = makeSourceContext({ sourceName: PAGE_URL });

  describeWithSamples('FROST samples', (dir) => {
    const page = () => readSampleBytes(join(dir, 'sensorthings', 'frost_bgs_observations_page.json'));

    it('reads the observations of the datastream in the URL', () => {
      const result = sut.decode(page(), ctx);

      expect(result.features).toEqual([{ key: '1' }]);
      expect(
        result.records.map((record) => [record.featureKey, record.field, record.value, record.timeMs]),
      ).toEqual([
        ['1', 'result', 1009.86, Date.UTC(2023, 2, 28, 10, 30)],
        ['1', 'result', 1008.17, Date.UTC(2023, 2, 28, 12, 15)],
        ['1', 'result', 1005.7, Date.UTC(2023, 2, 28, 18, 15)],
      ]);
      expect(result.records[0].position).toBe('value[0].result');
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });

    it('passes @iot.nextLink on as next', () => {
      expect(sut.decode(page(), ctx).next).toBe(
        'https://sensors.bgs.ac.uk/FROST-Server/v1.1/Datastreams(1)/Observations?$top=500&$skip=500&$filter=%28year%28phenomenonTime%29+eq+2023%29&$count=true',
      );
    });

    it('rejects a page without datastream', () => {
      const run = () => sut.decode(page(), { ...ctx, sourceName: 'frost_bgs_observations_page.json' });

      expect(run).toThrow(expect.objectContaining({ code: RejectionCode.UNKNOWN_DEVICE }));
    });

    it('takes the datastream from the options', () => {
      const result = sut.decode(page(), { ...ctx, sourceName: 'page.json', options: { datastreamId: '1' } });

      expect(result.records).toHaveLength(3);
      expect(result.records[2].featureKey).toBe('1');
    });

    it('reads datastreams with their feature of interest', () => {
      const result = sut.decode(
        readSampleBytes(join(dir, 'sensorthings', 'frost_bgs_datastreams_featureOfInterest14.json')),
        ctx,
      );

      expect(result.features.map((feature) => [feature.key, feature.properties?.unit])).toEqual([
        ['92', 'm'],
        ['48', 'mbar'],
        ['15', 'Cel'],
        ['28', 'uS/cm'],
        ['51', 'mg/L'],
        ['74', 'm'],
        ['83', 'm'],
        ['17', '[ppth]'],
      ]);
      expect(result.features[0]).toEqual({
        key: '92',
        name: 'GGA01_01 Water Level mbd',
        description: 'Water Level mbd from BGS Groundwater Logger GGA01 - Calculated (m)',
        geometry: { type: 'Point', coordinates: [-4.2001633287587, 55.8394151172741] },
        properties: {
          unit: 'm',
          observation_type: 'OM_Measurement',
          feature_of_interest: 'BGS Groundwater Logger GGA01',
        },
      });
      expect(result.records).toEqual([]);
      expect(result.next).toBeUndefined();
    });
  });

  describe('inline input', () => {
    it('reads expanded observations of a datastream', () => {
      const datastream = {
        '@iot.id': 7,
        name: 'Water temperature',
        unitOfMeasurement: { name: 'degree Celsius', symbol: 'C', definition: 'ucum:Cel' },
        observedArea: { type: 'Point', coordinates: [8.65, 49.87] },
        Observations: [makeObservation({ phenomenonTime: '2024-05-01T10:00:00Z/2024-05-01T10:15:00Z' })],
      };
      const result = sut.decode(jsonInput({ value: [datastream] }), ctx);

      expect(result.features[0].geometry).toEqual({ type: 'Point', coordinates: [8.65, 49.87] });
      expect(result.records).toEqual([
        {
          featureKey: '7',
          field: 'result',
          value: 4.2,
          unit: 'Cel',
          timeMs: Date.UTC(2024, 4, 1, 10, 15),
          position: 'value[0].Observations[0].result',
        },
      ]);
    });

    it('reads the expanded Datastream of an observation', () => {
      const observation = makeObservation({
        Datastream: { '@iot.id': 'ds-9', unitOfMeasurement: { definition: 'ucum:ug/m3' } },
      });
      const result = sut.decode(jsonInput({ value: [observation] }), { ...ctx, sourceName: 'page.json' });

      expect(result.features).toEqual([{ key: 'ds-9', properties: { unit: 'ug/m3' } }]);
      expect(result.records[0]).toMatchObject({ featureKey: 'ds-9', unit: 'ug/m3' });
    });

    it('reads a quoted string id from the URL', () => {
      const result = sut.decode(jsonInput({ value: [makeObservation()] }), {
        ...ctx,
        sourceName: "https://iot.example.org/v1.1/Datastreams('pegel-3')/Observations",
      });

      expect(result.records[0].featureKey).toBe('pegel-3');
    });

    it('counts a null result as missing', () => {
      const result = sut.decode(jsonInput({ value: [makeObservation({ result: null })] }), ctx);

      expect(result.records).toEqual([]);
      expect(result.missing).toBe(1);
    });

    it.each([
      ['an object result', { result: { value: 3 } }, RejectionCode.INVALID_PAYLOAD, 'value[0].result'],
      [
        'a missing phenomenonTime',
        { phenomenonTime: undefined },
        RejectionCode.INVALID_TIMESTAMP,
        'value[0].phenomenonTime',
      ],
      [
        'an open interval',
        { phenomenonTime: '2024-05-01T10:00:00Z/' },
        RejectionCode.INVALID_TIMESTAMP,
        'value[0].phenomenonTime',
      ],
    ])('reports %s', (_label, overrides, code, position) => {
      const result = sut.decode(jsonInput({ value: [makeObservation(overrides)] }), ctx);

      expect(problemSummary(result)).toEqual([[code, position]]);
    });

    it('rejects a single entity', () => {
      expect(() => sut.decode(jsonInput(makeObservation()), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });
  });
});
