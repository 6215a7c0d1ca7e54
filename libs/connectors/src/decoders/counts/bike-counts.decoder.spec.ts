import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { BikeCountsDecoder } from './bike-counts.decoder';

const HEADER =
  'operator_name,domain_name,domain_id,counter_site,counter_site_id,counter_serial,longitude,latitude,timezone,' +
  'iso_timestamp,channels_in,channels_out,channels_unknown,channels_all,site_temperature,site_rain_accumulation,' +
  'site_snow_accumulation';

describe(BikeCountsDecoder.name, () => {
  const sut = new BikeCountsDecoder();

  describeWithSamples('decode Mannheim sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(
        join(dir, 'bike-counts', 'mobidata-bw_fahrradzaehler_mannheim_2023-10-23_2023-10-31.csv'),
      ),
      makeSourceContext(),
    );

    it('returns the 14 counting sites with position', () => {
      expect(result.features).toHaveLength(14);
      expect(result.features[0]).toEqual({
        key: '100013246',
        name: 'Renzstraße',
        geometry: { type: 'Point', coordinates: [8.481114, 49.49027] },
        properties: {
          operator_name: 'Eco Counter GmbH',
          domain_name: 'Stadt Mannheim',
          counter_serial: 'YTH21025244',
        },
      });
    });

    it('counts records, na cells and no problems', () => {
      expect(result.records).toHaveLength(15050);
      expect(result.missing).toBe(6020);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads the first hour at its end', () => {
      const firstRow = result.records.filter((record) => record.position.startsWith('line 2,'));

      expect(firstRow.map(({ field, value, unit, timeMs }) => [field, value, unit, timeMs])).toEqual([
        ['bicycles', 14, '{bicycles}', Date.UTC(2023, 9, 22, 23)],
        ['bicycles_in', 5, '{bicycles}', Date.UTC(2023, 9, 22, 23)],
        ['bicycles_out', 9, '{bicycles}', Date.UTC(2023, 9, 22, 23)],
        ['air_temperature', 10, 'Cel', Date.UTC(2023, 9, 22, 23)],
        ['precipitation', 0, 'mm', Date.UTC(2023, 9, 22, 23)],
      ]);
    });

    it('keeps the hour the source lost on the autumn change as a gap', () => {
      const autumn = recordsOf(result, '100013246', 'bicycles').filter((record) =>
        /^line 14[789],/.test(record.position),
      );

      expect(autumn.map(({ value, timeMs }) => [value, new Date(timeMs).toISOString()])).toEqual([
        [30, '2023-10-29T00:00:00.000Z'],
        [51, '2023-10-29T01:00:00.000Z'],
        [3, '2023-10-29T03:00:00.000Z'],
      ]);
    });

    it('reads decimal precipitation', () => {
      const rain = recordsOf(result, '100013246', 'precipitation').find((record) =>
        record.position.startsWith('line 26,'),
      );

      expect(rain?.value).toBe(1.4);
    });
  });

  describe('decode inline input', () => {
    const row = (timestamp: string, all: string, longitude = '8.48'): string =>
      `Eco Counter GmbH,Stadt Darmstadt,1,Rheinstraße,42,S1,${longitude},49.87,x,${timestamp},1,2,na,${all},9.5,na,na`;

    it('rejects bad times, counts and positions', () => {
      const input = utf8Bytes(
        [
          HEADER,
          row('2023-10-23T00:00:00+02:00', '3', 'east'),
          row('23.10.2023 01:00', '3'),
          row('2023-10-23T02:00:00+02:00', '-3'),
        ].join('\n'),
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'line 2, columns "longitude", "latitude"'],
        ['INVALID_TIMESTAMP', 'line 3, column "iso_timestamp"'],
        ['INVALID_PAYLOAD', 'line 4, column "channels_all"'],
      ]);
      expect(result.features).toEqual([
        {
          key: '42',
          name: 'Rheinstraße',
          properties: {
            operator_name: 'Eco Counter GmbH',
            domain_name: 'Stadt Darmstadt',
            counter_serial: 'S1',
          },
        },
      ]);
    });

    it('ends each row after option intervalMinutes', () => {
      const input = utf8Bytes([HEADER, row('2023-10-23T00:00:00+02:00', '3')].join('\n'));
      const result = sut.decode(input, makeSourceContext({ options: { intervalMinutes: 15 } }));

      expect(recordsOf(result, '42', 'bicycles')).toMatchObject([
        { value: 3, timeMs: Date.UTC(2023, 9, 22, 22, 15) },
      ]);
      expect(result.missing).toBe(3);
    });

    it('throws for a file without site columns', () => {
      expect(() => sut.decode(utf8Bytes('a,b\n1,2\n'), makeSourceContext())).toThrow(
        /lacks the column\(s\) counter_site_id/,
      );
    });
  });
});
