import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { RkiIncidenceDecoder } from './rki-incidence.decoder';

const DAY_2022_07_22_MS = Date.UTC(2022, 6, 21, 22);

describe(RkiIncidenceDecoder.name, () => {
  const sut = new RkiIncidenceDecoder();

  describeWithSamples('decode frozen incidence of Hessen', (dir) => {
    const input = readSampleBytes(
      join(dir, 'rki-covid', 'rki-derived_frozen-incidence_2022-07-22_hessen.csv'),
    );

    it('returns every district with its name', () => {
      const result = sut.decode(input, makeSourceContext());

      expect(result.features).toHaveLength(26);
      expect(result.features[0]).toEqual({ key: '06411', name: 'SK Darmstadt' });
      expect(result.records).toHaveLength(52);
      expect(result.missing).toBe(0);
      expect(problemSummary(result)).toEqual([]);
    });

    it('reads Darmstadt alone with option regions', () => {
      const result = sut.decode(input, makeSourceContext({ options: { regions: ['06411'] } }));

      expect(result.features.map((feature) => feature.key)).toEqual(['06411']);
      expect(result.records).toEqual([
        {
          featureKey: '06411',
          field: 'cases_7d',
          value: 1512,
          unit: '{count}',
          timeMs: DAY_2022_07_22_MS,
          position: 'line 2, column "AnzahlFall_7d"',
        },
        {
          featureKey: '06411',
          field: 'incidence_7d',
          value: 949.9038787741717,
          unit: undefined,
          timeMs: DAY_2022_07_22_MS,
          position: 'line 2, column "incidence_7d"',
        },
      ]);
    });
  });

  describe('decode inline input', () => {
    it('reads the RKI state layout for all ages', () => {
      const input = utf8Bytes(
        'Meldedatum,Bundesland_id,Altersgruppe,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage\n' +
          '2022-03-27,06,00-04,306781,1,0,10,3.3\n' +
          '2022-03-27,06,00+,6391360,2000,500,9000,140.8\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(result.features).toEqual([{ key: '06', name: 'Hessen', properties: { population: 6391360 } }]);
      expect(result.records.map(({ field, value, timeMs }) => [field, value, timeMs])).toEqual([
        ['cases_7d', 9000, Date.UTC(2022, 2, 26, 23)],
        ['incidence_7d', 140.8, Date.UTC(2022, 2, 26, 23)],
        ['new_cases', 500, Date.UTC(2022, 2, 26, 23)],
        ['total_cases', 2000, Date.UTC(2022, 2, 26, 23)],
      ]);
    });

    it('reads another age group with option ageGroup', () => {
      const input = utf8Bytes(
        'Meldedatum,Bundesland_id,Altersgruppe,Faelle_7-Tage\n2022-03-27,06,00-04,10\n2022-03-27,06,00+,9000\n',
      );
      const result = sut.decode(input, makeSourceContext({ options: { ageGroup: '00-04' } }));

      expect(result.records.map((record) => record.value)).toEqual([10]);
    });

    it('rejects ids without leading zero, bad dates and values', () => {
      const input = utf8Bytes(
        'Datenstand,IdLandkreis,Landkreis,AnzahlFall_7d,incidence_7d\n' +
          '2022-07-22,6411,SK Darmstadt,1512,949.9\n' +
          '22.07.2022,06412,SK Frankfurt am Main,6737,881.6\n' +
          '2022-07-22,06413,SK Offenbach,n/a,902.2\n',
      );
      const result = sut.decode(input, makeSourceContext());

      expect(problemSummary(result)).toEqual([
        ['INVALID_PAYLOAD', 'line 2, column "IdLandkreis"'],
        ['INVALID_TIMESTAMP', 'line 3, column "Datenstand"'],
        ['INVALID_PAYLOAD', 'line 4, column "AnzahlFall_7d"'],
      ]);
      expect(result.records).toMatchObject([{ featureKey: '06413', field: 'incidence_7d', value: 902.2 }]);
    });

    it('throws for a file without region column', () => {
      expect(() => sut.decode(utf8Bytes('Meldedatum,Wert\n2022-01-01,1\n'), makeSourceContext())).toThrow(
        /expected a date column/,
      );
    });

    it('rejects unknown options', () => {
      expect(() =>
        sut.decode(utf8Bytes('x\n'), makeSourceContext({ options: { districts: ['06411'] } })),
      ).toThrow(/options: Unrecognized key: "districts"/);
    });
  });
});
