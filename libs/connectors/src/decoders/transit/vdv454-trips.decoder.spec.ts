import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
} from '../common/source-decoder-spec.fixtures';
import { GtfsRtTripUpdatesDecoder } from './gtfs-rt-trip-updates.decoder';
import { Vdv454TripsDecoder } from './vdv454-trips.decoder';

const SAMPLE_FOLDER = 'gtfs-rt-vdv454';

describe(Vdv454TripsDecoder.name, () => {
  const sut = new Vdv454TripsDecoder();

  describeWithSamples('decode HVG line 687 IstFahrt', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, SAMPLE_FOLDER, 'vdv454_aus-istfahrt_13865-00024-1_HVG.json')),
      makeSourceContext(),
    );

    it('returns one feature per line and halt', () => {
      expect(result.features).toHaveLength(20);
      expect(result.features[0]).toEqual({
        key: 'HVG687/ODEG_900210771',
        name: '687 – ODEG_900210771',
        properties: { route_id: 'HVG687', stop_id: 'ODEG_900210771' },
      });
    });

    it('reads every forecast event without problems', () => {
      expect(result.records).toHaveLength(42);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads early arrivals as negative delays', () => {
      const halt10 = result.records.filter((record) => record.position.startsWith('IstHalts[10].'));

      expect(halt10).toEqual([
        {
          featureKey: 'HVG687/ODEG_900210282',
          field: 'arrival_delay',
          value: -33,
          unit: 's',
          timeMs: Date.UTC(2024, 5, 27, 11, 42, 30),
          position: 'IstHalts[10].IstAnkunftPrognose',
        },
        {
          featureKey: 'HVG687/ODEG_900210282',
          field: 'departure_delay',
          value: 0,
          unit: 's',
          timeMs: Date.UTC(2024, 5, 27, 11, 42, 30),
          position: 'IstHalts[10].IstAbfahrtPrognose',
        },
      ]);
    });

    it('agrees with the GTFS-RT trip update of the same trip', () => {
      const gtfsRt = new GtfsRtTripUpdatesDecoder().decode(
        readSampleBytes(join(dir, SAMPLE_FOLDER, 'expected_gtfs-rt-tripupdate_13865-00024-1_HVG.json')),
        makeSourceContext(),
      );
      const events = (records: typeof result.records) =>
        records.map(({ field, value, unit, timeMs }) => [field, value, unit, timeMs]);

      expect(events(result.records)).toEqual(events(gtfsRt.records));
    });
  });

  describe('decode inline input', () => {
    const halt = (overrides: Record<string, unknown>) => ({
      HaltID: 'DA_Luisenplatz',
      Ankunftszeit: '2024-06-27T13:20:00+02:00',
      IstAnkunftPrognose: '2024-06-27T13:22:00+02:00',
      Abfahrtszeit: '2024-06-27T13:21:00',
      IstAbfahrtPrognose: null,
      ...overrides,
    });

    it('counts missing forecasts, passes and cancelled trips', () => {
      const input = jsonInput({
        IstFahrt: [
          { LinienID: 'HEAG4', IstHalts: [halt({}), halt({ HaltID: 'DA_Schloss', Durchfahrt: 'true' })] },
          { LinienID: 'HEAG5', FaelltAus: true, IstHalts: [halt({})] },
        ],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(result.missing).toBe(3);
      expect(result.records).toEqual([
        {
          featureKey: 'HEAG4/DA_Luisenplatz',
          field: 'arrival_delay',
          value: 120,
          unit: 's',
          timeMs: Date.UTC(2024, 5, 27, 11, 20),
          position: 'IstFahrt[0].IstHalts[0].IstAnkunftPrognose',
        },
      ]);
    });

    it('reads local times without offset in the connector time zone', () => {
      const input = jsonInput({
        LinienID: 'HEAG4',
        IstHalts: [halt({ IstAbfahrtPrognose: '2024-06-27T13:21:30' })],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(result.records[1]).toMatchObject({
        field: 'departure_delay',
        value: 30,
        timeMs: Date.UTC(2024, 5, 27, 11, 21),
      });
    });

    it('rejects forecasts without schedule and bad times', () => {
      const input = jsonInput({
        LinienID: 'HEAG4',
        IstHalts: [
          halt({ Ankunftszeit: null }),
          halt({ IstAnkunftPrognose: 'bald' }),
          { Abfahrtszeit: '2024-06-27T13:21:00+02:00' },
        ],
      });
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'IstHalts[0].IstAnkunftPrognose'],
        ['INVALID_TIMESTAMP', 'IstHalts[1].IstAnkunftPrognose'],
        ['INVALID_PAYLOAD', 'IstHalts[2].HaltID'],
      ]);
    });

    it('rejects trips without line', () => {
      const result = sut.decode(jsonInput([{ IstHalts: [] }]), makeSourceContext());

      expect(problemSummary(result)).toEqual([['INVALID_PAYLOAD', 'IstFahrt[0].LinienID']]);
    });

    it('throws for JSON without IstFahrt', () => {
      expect(() => sut.decode(jsonInput({ Fahrten: [] }), makeSourceContext())).toThrow(
        /not an IstFahrt with IstHalts/,
      );
    });
  });
});
