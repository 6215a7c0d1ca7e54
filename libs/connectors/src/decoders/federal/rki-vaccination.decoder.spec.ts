import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { RkiVaccinationDecoder } from './rki-vaccination.decoder';

describe(RkiVaccinationDecoder.name, () => {
  const sut = new RkiVaccinationDecoder();

  describeWithSamples('decode states sample of Hessen and federal agencies', (dir) => {
    const input = readSampleBytes(
      join(dir, 'rki-covid', 'rki_impfungen_bundeslaender_2021-07-21_hessen+bund_2021-06-01_2021-07-20.csv'),
    );
    const result = sut.decode(input, makeSourceContext());

    it('returns Hessen and the federal agencies', () => {
      expect(result.features).toEqual([
        { key: '06', name: 'Hessen' },
        { key: '17', name: 'Bundesressorts' },
      ]);
      expect(result.records).toHaveLength(280);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
    });

    it('sums the first day of Hessen over vaccines', () => {
      const firstDay = result.records.slice(0, 3);

      expect(firstDay).toEqual(
        [
          ['doses', 65641],
          ['doses_1', 35136],
          ['doses_2', 30505],
        ].map(([field, value]) => ({
          featureKey: '06',
          field,
          value,
          unit: '{count}',
          timeMs: Date.UTC(2021, 4, 31, 22),
          position: 'lines 2, 3, … 8 (7 rows)',
        })),
      );
    });

    it('sums the last day of the federal agencies', () => {
      const last = recordsOf(result, '17', 'doses').at(-1);

      expect(last).toEqual({
        featureKey: '17',
        field: 'doses',
        value: 2217,
        unit: '{count}',
        timeMs: Date.UTC(2021, 6, 19, 22),
        position: 'lines 580, 581, 582, 583',
      });
    });

    it('reads one state with option regions', () => {
      const hessen = sut.decode(input, makeSourceContext({ options: { regions: ['06'] } }));

      expect(hessen.features.map((feature) => feature.key)).toEqual(['06']);
      expect(recordsOf(hessen, '06', 'doses')).toHaveLength(50);
    });
  });

  describe('decode inline input', () => {
    it('sums district rows over age groups', () => {
      const input = utf8Bytes(
        'Impfdatum,LandkreisId_Impfort,Altersgruppe,Impfschutz,Anzahl\n' +
          '2021-12-01,06411,18-59,3,700\n2021-12-01,06411,60+,3,300\n2021-12-01,u,18-59,1,5\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(result.features).toEqual([{ key: '06411' }, { key: 'u', name: 'unbekannter Landkreis' }]);
      expect(recordsOf(result, '06411', 'doses_3')).toMatchObject([{ value: 1000, position: 'lines 2, 3' }]);
    });

    it('drops the day of an unreadable row', () => {
      const input = utf8Bytes(
        'Impfdatum,BundeslandId_Impfort,Impfstoff,Impfserie,Anzahl\n' +
          '2021-06-01,06,Comirnaty,1,100\n2021-06-01,06,Moderna,1,x\n2021-06-02,06,Moderna,0,4\n' +
          '2021-06-03,6,Moderna,1,4\n2021-06-31,06,Moderna,1,4\n2021-06-04,06,Moderna,1,4\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'line 3, column "Anzahl"'],
        ['INVALID_PAYLOAD', 'line 4, column "Impfserie"'],
        ['INVALID_PAYLOAD', 'line 5, column "BundeslandId_Impfort"'],
        ['INVALID_TIMESTAMP', 'line 6, column "Impfdatum"'],
      ]);
      expect(result.records.map(({ field, value, timeMs }) => [field, value, timeMs])).toEqual([
        ['doses', 4, Date.UTC(2021, 5, 3, 22)],
        ['doses_1', 4, Date.UTC(2021, 5, 3, 22)],
      ]);
    });
  });
});
