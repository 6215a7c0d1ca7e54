import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { BnetzaChargingRegisterDecoder } from './bnetza-charging-register.decoder';
import { readRegisterDate } from './bnetza-register.columns';

const HEADER =
  'Betreiber;Adresse;Postleitzahl Ort;Bundesland;Längengrad [DG];Breitengrad [DG];Inbetriebnahmedatum;' +
  'Anschlussleistung [kW];Art der Ladeeinrichtung;Anzahl Ladepunkte;Steckertypen1;P1 [kW];Public Key1';

function register(...rows: string[]): string {
  return ['Ladesäulenregister Bundesnetzagentur;;', 'Stand: 01.02.2020;;', HEADER, ...rows].join('\r\n');
}

describe(BnetzaChargingRegisterDecoder.name, () => {
  const sut = new BnetzaChargingRegisterDecoder();
  const ctx = makeSourceContext({ sourceName: 'ladesaeulenregister.csv' });

  describeWithSamples('Darmstadt extract', (dir) => {
    const result = sut.decode(
      readSampleBytes(join(dir, 'ev-charging', 'bnetza_ladesaeulenregister_2019-07-19_darmstadt.csv')),
      ctx,
    );

    it('reads every station as a feature', () => {
      expect(result.features).toHaveLength(34);
      expect(result.features[0]).toEqual({
        key: '49.86751_8.64587',
        name: 'Heidelberger Str. 3 bei, 64283 Darmstadt',
        geometry: { type: 'Point', coordinates: [8.6458739999999992, 49.867505999999999] },
        properties: {
          address: 'Heidelberger Str. 3 bei',
          postcode: '64283',
          city: 'Darmstadt',
          state: 'Hessen',
          charging_type: 'Normalladeeinrichtung',
          commissioned: '2017-11-16',
          power_kw: 44,
          charge_points: 2,
          point_1_connectors: 'AC Steckdose Typ 2',
          point_1_power_kw: 22,
          point_1_public_key:
            'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIon1bIoCN1x41O3YxNxS24QA49s0oCx+AXyIxytfZj3/wixBP1LduuttLxi4PfacrLA60FQ9iNQrMeSSLuyqrw==',
          point_2_connectors: 'AC Steckdose Typ 2',
          point_2_power_kw: 22,
          point_2_public_key:
            'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYEsMxQcx4eli+2iWOvIxyY9pdOd9twMjzvK7zeCCckpKnZ4NNSEq53CXJxN4evGrHloNkkt68Ibxw63mWSKPCQ==',
        },
      });
    });

    it('numbers stations at the same coordinates', () => {
      expect(
        result.features.map((feature) => feature.key).filter((key) => key.startsWith('49.88625_8.65183')),
      ).toEqual([
        '49.88625_8.65183',
        '49.88625_8.65183-2',
        '49.88625_8.65183-3',
        '49.88625_8.65183-4',
        '49.88625_8.65183-5',
      ]);
    });

    it('leaves out the operator by default', () => {
      expect(result.features.some((feature) => feature.properties?.operator !== undefined)).toBe(false);
      expect(result.features[24].properties).toMatchObject({
        address: 'Wittichstr.7',
        charge_points: 1,
        commissioned: '2016-04-01',
      });
    });

    it('has no records and no problems', () => {
      expect(result.records).toEqual([]);
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });
  });

  describe('inline input', () => {
    it('reads Windows-1252 with decimal commas', () => {
      const text = register(
        'Stadtwerke;Rheinstraße  5;64283 Darmstadt;Hessen;8,6512;49,8727;15.11.2017;22;Normalladeeinrichtung;1;Typ 2;22;',
      );
      const bytes = Uint8Array.from(text, (character) => character.charCodeAt(0));
      const result = sut.decode(bytes, { ...ctx, options: { includeOperator: true } });

      expect(result.features[0]).toMatchObject({
        key: '49.87270_8.65120',
        name: 'Rheinstraße 5, 64283 Darmstadt',
        geometry: { type: 'Point', coordinates: [8.6512, 49.8727] },
      });
      expect(result.features[0].properties).toMatchObject({
        operator: 'Stadtwerke',
        commissioned: '2017-11-15',
        point_1_power_kw: 22,
      });
    });

    it('reports unreadable coordinates and values', () => {
      const text = register(
        'A;Weg 1;64283 Darmstadt;Hessen;8.65;;43055;22;Normalladeeinrichtung;1;Typ 2;22;',
        'B;Weg 2;64283 Darmstadt;Hessen;8.65;49.87;gestern;viel;Normalladeeinrichtung;zwei;Typ 2;22;',
      );
      const result = sut.decode(utf8Bytes(text), ctx);

      expect(result.features.map((feature) => feature.key)).toEqual(['49.87000_8.65000']);
      expect(problemSummary(result)).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 'line 4, column "Breitengrad"'],
        [RejectionCode.INVALID_PAYLOAD, 'line 5, column "Inbetriebnahmedatum"'],
        [RejectionCode.INVALID_PAYLOAD, 'line 5, column "Anschlussleistung [kW]"'],
        [RejectionCode.INVALID_PAYLOAD, 'line 5, column "Anzahl Ladepunkte"'],
      ]);
    });

    it('rejects a file without header row', () => {
      expect(() => sut.decode(utf8Bytes('Name;Ort\nA;B'), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });
  });

  describe(readRegisterDate.name, () => {
    it.each([
      ['43055', '2017-11-16'],
      ['43101', '2018-01-01'],
      ['01.03.2019', '2019-03-01'],
      ['31.02.2019', undefined],
      ['2019-03-01', undefined],
    ])('reads %s', (text, expected) => {
      expect(readRegisterDate(text)).toBe(expected);
    });
  });
});
