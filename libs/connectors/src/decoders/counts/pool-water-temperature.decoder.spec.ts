import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { PoolWaterTemperatureDecoder } from './pool-water-temperature.decoder';

const HEADER =
  'row,datum_scraping,gewaesser,messeinheit,datum_messung,zeit_messung,aktueller_wert,wgs84_x,wgs84_y';

describe(PoolWaterTemperatureDecoder.name, () => {
  const sut = new PoolWaterTemperatureDecoder();

  describeWithSamples('decode AWEL Zurich sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(
        join(dir, 'pool-water-temperature', 'zh_awel_wassertemperaturen_2022-06-03_2022-06-05.csv'),
      ),
      makeSourceContext({ timeZone: 'Europe/Zurich' }),
    );

    it('returns 24 stations with swapped coordinate columns read right', () => {
      expect(result.features).toHaveLength(24);
      expect(result.features[0]).toEqual({
        key: 'Aabach-Mönchaltorf',
        name: 'Aabach-Mönchaltorf',
        geometry: { type: 'Point', coordinates: [8.720493598890775, 47.31099695110613] },
        properties: {
          water_body: 'Aabach',
          water_type: 'Fliessgewässer',
          place: 'Mönchaltdorf',
          operator: 'AWEL',
        },
      });
    });

    it('emits repeated measurements once', () => {
      expect(result.records).toHaveLength(135);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
      expect(recordsOf(result, 'Türlersee', 'water_temperature')).toEqual([
        {
          featureKey: 'Türlersee',
          field: 'water_temperature',
          value: 18.3,
          unit: 'Cel',
          timeMs: Date.UTC(2022, 5, 2, 11, 15),
          position: 'line 25, column "aktueller_wert"',
        },
      ]);
    });

    it('reads the first row in summer time', () => {
      expect(result.records[0]).toMatchObject({ value: 15.9, timeMs: Date.UTC(2022, 5, 3, 7, 45) });
    });

    it('keeps the first position of a station listed twice', () => {
      const jonen = result.features.find((feature) => feature.key === 'Jonen-Zwillikon');

      expect(jonen?.geometry).toEqual({
        type: 'Point',
        coordinates: [8.431623838674973, 47.290456745006075],
      });
    });
  });

  describe('decode inline input', () => {
    it('rejects conflicting repeats, bad units and skipped times', () => {
      const input = utf8Bytes(
        [
          HEADER,
          '0,20220603-07h56,Badesee,°C,03.06.2022,09:45,21.5,49.87,8.65',
          '0,20220603-13h31,Badesee,°C,03.06.2022,09:45,21.7,49.87,8.65',
          '1,20220603-13h31,Badesee,K,03.06.2022,10:45,294.6,49.87,8.65',
          '2,20220603-13h31,Badesee,°C,27.03.2022,02:30,8.0,49.87,8.65',
          '3,20220603-13h31,Badesee,°C,03.06.2022,11:45,,49.87,8.65',
        ].join('\n'),
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'line 3, column "aktueller_wert"'],
        ['INVALID_PAYLOAD', 'line 4, column "aktueller_wert"'],
        ['INVALID_TIMESTAMP', 'line 5, columns "datum_messung", "zeit_messung"'],
      ]);
      expect(result.records.map((record) => record.value)).toEqual([21.5]);
      expect(result.missing).toBe(1);
    });

    it('resolves the repeated autumn hour to its first occurrence', () => {
      const input = utf8Bytes(`${HEADER}\n0,x,See,°C,30.10.2022,02:30,12.0,47.3,8.7\n`);
      const result = sut.decode(input, makeSourceContext({ timeZone: 'Europe/Zurich' }));

      expect(result.records[0].timeMs).toBe(Date.UTC(2022, 9, 30, 0, 30));
    });
  });
});
