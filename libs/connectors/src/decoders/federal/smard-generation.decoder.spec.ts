import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { SmardGenerationDecoder } from './smard-generation.decoder';

const ISO = (timeMs: number): string => new Date(timeMs).toISOString();

describe(SmardGenerationDecoder.name, () => {
  const sut = new SmardGenerationDecoder();

  describeWithSamples('decode Datteln power-plant sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'energy', 'smard_kraftwerk_datteln_stunde_2022-10-24_2022-11-06.csv')),
      makeSourceContext(),
    );
    const datteln4 = recordsOf(result, 'Datteln 4', 'generation');

    it('returns one feature per generating unit', () => {
      expect(result.features.map((feature) => feature.key)).toEqual(['3.0', '1.0', '2.0', 'Datteln 4']);
      expect(result.features[3]).toEqual({ key: 'Datteln 4', name: 'Datteln 4', properties: { area: 'DE' } });
    });

    it('counts records, missing cells and no problems', () => {
      expect(result.records).toHaveLength(337);
      expect(result.missing).toBe(1011);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads the first hour in MW at its end', () => {
      expect(datteln4[0]).toEqual({
        featureKey: 'Datteln 4',
        field: 'generation',
        value: 0,
        unit: 'MW',
        timeMs: Date.UTC(2022, 9, 23, 23),
        position: 'line 2, column "Generation_DE Datteln 4 [MW] Originalauflösungen"',
      });
    });

    it('reads the dot as thousands separator', () => {
      const row284 = datteln4.find((record) => record.position.startsWith('line 284,'));

      expect(row284).toMatchObject({ value: 1012, timeMs: Date.UTC(2022, 10, 4, 17) });
    });

    it('resolves the repeated 02:00 hour of the autumn change', () => {
      const rows = datteln4.filter((record) => /^line 14[7-9],|^line 150,/.test(record.position));

      expect(rows.map(({ value, timeMs }) => [value, ISO(timeMs)])).toEqual([
        [425, '2022-10-30T00:00:00.000Z'],
        [430, '2022-10-30T01:00:00.000Z'],
        [424, '2022-10-30T02:00:00.000Z'],
        [423, '2022-10-30T03:00:00.000Z'],
      ]);
    });

    it('ends the last hour of a day at midnight', () => {
      expect(datteln4.at(-1)).toMatchObject({ value: 610, timeMs: Date.UTC(2022, 10, 6, 23) });
    });
  });

  describeWithSamples('decode GKM block 6 sample', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'energy', 'smard_kraftwerk_gkm-block6_stunde_2022-01-10_2022-01-16.csv')),
      makeSourceContext(),
    );

    it('returns the unit and all hours', () => {
      expect(result.features.map((feature) => feature.key)).toEqual(['GKM Block 6']);
      expect(result.records).toHaveLength(168);
      expect(result.missing).toBe(0);
      expect(result.records[0]).toMatchObject({ value: 117, unit: 'MW', timeMs: Date.UTC(2022, 0, 10, 0) });
    });
  });

  describe('decode inline input', () => {
    it('reads the German mix across the spring gap', () => {
      const input = utf8Bytes(
        '\uFEFFDatum von;Datum bis;Biomasse [MWh] Originalauflösungen;Wind Onshore [MWh] Originalauflösungen\n' +
          '27.03.2022 01:45;27.03.2022 03:00;1.015,25;-\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(result.features).toEqual([{ key: 'DE' }]);
      expect(result.records).toEqual([
        {
          featureKey: 'DE',
          field: 'biomass',
          value: 1015.25,
          unit: 'MW.h',
          timeMs: Date.UTC(2022, 2, 27, 1),
          position: 'line 2, column "Biomasse [MWh] Originalauflösungen"',
        },
      ]);
      expect(result.missing).toBe(1);
    });

    it('reads the English layout with comma thousands', () => {
      const input = utf8Bytes(
        'Start date;End date;Photovoltaics [MWh] Original resolutions;Fossil gas [MWh] Original resolutions\n' +
          'Jan 10, 2022 12:00 PM;Jan 10, 2022 12:15 PM;2,345.5;17\n',
      );
      const result = sut.decode(input, makeSourceContext({ options: { area: '50Hertz' } }));

      expect(
        result.records.map(({ featureKey, field, value, timeMs }) => [featureKey, field, value, ISO(timeMs)]),
      ).toEqual([
        ['50Hertz', 'photovoltaics', 2345.5, '2022-01-10T11:15:00.000Z'],
        ['50Hertz', 'fossil_gas', 17, '2022-01-10T11:15:00.000Z'],
      ]);
    });

    it('rejects the skipped spring hour, bad numbers and unknown columns', () => {
      const input = utf8Bytes(
        'Datum;Anfang;Ende;Braunkohle [MW] Originalauflösungen;Wärme [GJ]\n' +
          '27.03.2022;02:00;03:00;1;x\n27.03.2022;03:00;04:00;1.01;x\n27.03.2022;4 Uhr;05:00;1;x\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['UNSUPPORTED_FORMAT', 'line 1, column "Wärme [GJ]"'],
        ['INVALID_TIMESTAMP', 'line 2, columns 1-3'],
        ['INVALID_PAYLOAD', 'line 3, column "Braunkohle [MW] Originalauflösungen"'],
        ['INVALID_TIMESTAMP', 'line 4, columns 1-3'],
      ]);
      expect(result.problems[1].message).toContain('2022-03-27 02:00 does not exist');
    });

    it('throws for another CSV', () => {
      expect(() => sut.decode(utf8Bytes('Zeit;Wert\n1;2\n'), makeSourceContext())).toThrow(
        /expected Datum;Anfang;Ende/,
      );
    });
  });
});
