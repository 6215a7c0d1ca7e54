import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { UbaAirDecoder } from './uba-air.decoder';

const HEADER =
  '\uFEFF"Station code";Date;"Particulate matter (PM₁₀) Daily average (hourly floating) in µg/m³";' +
  '"Nitrogen dioxide (NO₂) One hour average in µg/m³";"Air quality index"';

function csv(...rows: string[]): Uint8Array {
  return utf8Bytes(
    [HEADER, ...rows, '', '"Source: German Environment Agency (CET or CEST)."', ''].join('\n'),
  );
}

describe(UbaAirDecoder.name, () => {
  const sut = new UbaAirDecoder();

  describeWithSamples('decode Münster DENW095 sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'uba-air', 'uba_muenster_DENW095_2022-10-24_2022-11-06.csv')),
      makeSourceContext(),
    );

    it('returns one station feature', () => {
      expect(result.features).toEqual([{ key: 'DENW095' }]);
    });

    it('counts records, missing cells and no problems', () => {
      expect(result.records).toHaveLength(1307);
      expect(result.missing).toBe(378);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads the first row as the hour ending 01:00 CEST', () => {
      const firstRow = result.records.filter((record) => record.position.startsWith('line 2,'));

      expect(firstRow.map(({ field, value, unit, timeMs }) => [field, value, unit, timeMs])).toEqual([
        ['pm10', 19, 'ug/m3', Date.UTC(2022, 9, 23, 23)],
        ['no2', 10, 'ug/m3', Date.UTC(2022, 9, 23, 23)],
        ['air_quality_index', 'very good', undefined, Date.UTC(2022, 9, 23, 23)],
      ]);
    });

    it('resolves the repeated 03:00 of the autumn change to two hours', () => {
      const ozone = recordsOf(result, 'DENW095', 'o3').filter((record) =>
        ['line 147,', 'line 148,', 'line 149,'].some((line) => record.position.startsWith(line)),
      );

      expect(ozone.map(({ value, timeMs }) => [value, new Date(timeMs).toISOString()])).toEqual([
        [7, '2022-10-30T00:00:00.000Z'],
        [5, '2022-10-30T01:00:00.000Z'],
        [3, '2022-10-30T02:00:00.000Z'],
      ]);
    });

    it('reads 24:00 as midnight ending the day', () => {
      const last = recordsOf(result, 'DENW095', 'no2').at(-1);

      expect(last).toMatchObject({
        value: 7,
        timeMs: Date.UTC(2022, 10, 6, 23),
        position: expect.stringMatching(/^line 338,/),
      });
    });

    it('reads decimal values', () => {
      const ozone = recordsOf(result, 'DENW095', 'o3').find((record) =>
        record.position.startsWith('line 56,'),
      );

      expect(ozone?.value).toBe(0.6);
    });

    it('gives each hour its own time', () => {
      const times = new Set(recordsOf(result, 'DENW095', 'no2').map((record) => record.timeMs));

      expect(times.size).toBe(recordsOf(result, 'DENW095', 'no2').length);
    });
  });

  describe('decode inline input', () => {
    it('rejects an hour that the spring change skips', () => {
      const result = sut.decode(csv(`DEHE001;"'2022-03-27 03:00'";20;30;good`), makeSourceContext());

      expect(problemSummary(result)).toEqual([['INVALID_TIMESTAMP', 'line 2, column "Date"']]);
      expect(result.problems[0].message).toContain('2022-03-27 02:00 does not exist in Europe/Berlin');
      expect(result.records).toEqual([]);
    });

    it('reads the hour after the spring gap', () => {
      const result = sut.decode(csv(`DEHE001;"'2022-03-27 04:00'";20;30;good`), makeSourceContext());

      expect(result.records[0].timeMs).toBe(Date.UTC(2022, 2, 27, 2));
    });

    it('rejects unreadable values and dates', () => {
      const result = sut.decode(
        csv(
          `DEHE001;"'2022-05-02 10:00'";x;30;`,
          `DEHE001;"'2022-05-02 25:00'";20;30;good`,
          'DEHE001;too;short',
        ),
        makeSourceContext(),
      );

      expect(problemSummary(result)).toEqual([
        [
          'INVALID_PAYLOAD',
          'line 2, column "Particulate matter (PM₁₀) Daily average (hourly floating) in µg/m³"',
        ],
        ['INVALID_PAYLOAD', 'line 2, column "Air quality index"'],
        ['INVALID_TIMESTAMP', 'line 3, column "Date"'],
        ['INVALID_PAYLOAD', 'line 4'],
      ]);
      expect(result.records.map((record) => record.field)).toEqual(['no2']);
    });

    it('rejects an unknown component column once', () => {
      const input = utf8Bytes(`Station code;Date;Benzene in µg/m³\nDEHE001;'2022-05-02 10:00';1.2\n`);
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([['UNSUPPORTED_FORMAT', 'line 1, column "Benzene in µg/m³"']]);
      expect(result.features).toEqual([{ key: 'DEHE001' }]);
    });

    it('reads the German layout with decimal comma', () => {
      const input = utf8Bytes(
        "Stationscode;Datum;Stickstoffdioxid (NO₂) Ein-Stunden-Mittelwert in µg/m³\nDEHE001;'02.05.2022 10:00';12,5\n",
      );
      const result = sut.decode(input, makeSourceContext());

      expect(result.records).toMatchObject([{ field: 'no2', value: 12.5, timeMs: Date.UTC(2022, 4, 2, 8) }]);
    });

    it('throws for a file without station and date columns', () => {
      expect(() => sut.decode(utf8Bytes('a;b\n1;2\n'), makeSourceContext())).toThrow(
        /"Station code" and "Date"/,
      );
    });
  });
});
