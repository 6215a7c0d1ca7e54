import type { StoredObservation } from '@stadtdaten/contracts';

import {
  decodeTagText,
  encodeTagText,
  escapeKey,
  escapeMeasurement,
  escapeTagValue,
  quoteStringField,
  toLine,
} from './influx-line-protocol';

function makeObservation(overrides: Partial<StoredObservation> = {}): StoredObservation {
  return {
    id: 'abc',
    tenant: 'darmstadt',
    datastreamId: 'sds011-15092.P2',
    phenomenonTimeMs: 1_735_689_600_000,
    resultTimeMs: 1_735_689_601_000,
    receivedAtMs: 1_735_689_602_000,
    result: 21.5,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
    ...overrides,
  };
}

describe('influx line protocol', () => {
  describe('escaping', () => {
    it('escapes measurement comma and space', () => {
      expect(escapeMeasurement('a,b c=d')).toBe('a\\,b\\ c=d');
    });

    it('escapes key comma, equals and space', () => {
      expect(escapeKey('a,b=c d')).toBe('a\\,b\\=c\\ d');
    });

    it('quotes string fields', () => {
      expect(quoteStringField('say "hi" \\ ok')).toBe('"say \\"hi\\" \\\\ ok"');
    });

    it('keeps ordinary ids unchanged', () => {
      expect(escapeTagValue('eui-70b3d57ed0001234.air.temperature')).toBe(
        'eui-70b3d57ed0001234.air.temperature',
      );
    });

    it('percent-encodes characters tags cannot carry', () => {
      expect(encodeTagText('a\\b%c\nd\re\tf')).toBe('a%5Cb%25c%0Ad%0De%09f');
      expect(escapeTagValue('x\\, y=')).toBe('x%5C\\,\\ y\\=');
    });

    it.each([
      ['plain'],
      ['trailing\\'],
      ['%25 literal'],
      ['new\nline'],
      ['a\\,b c=d'],
      ['%5C'],
      ['ümlaut ß'],
    ])('round-trips tag text %j', (value) => {
      expect(decodeTagText(encodeTagText(value))).toBe(value);
    });
  });

  describe('toLine', () => {
    it('writes a numeric observation', () => {
      expect(toLine(makeObservation(), {})).toBe(
        'observations,datastream=sds011-15092.P2 id="abc",quality_flags="[]",received_at_ms=1735689602000i,' +
          'result_time_ms=1735689601000i,result_type="number",value=21.5 1735689600000',
      );
    });

    it('adds tenant and profile tags in key order', () => {
      const line = toLine(makeObservation({ tenant: 'a b', storageProfile: 'de' }), {
        tenant: 'a b',
        profile: 'de',
      });

      expect(line.startsWith('observations,datastream=sds011-15092.P2,profile=de,tenant=a\\ b ')).toBe(true);
    });

    it.each<[StoredObservation['result'], string]>([
      [7, 'result_type="number",value=7'],
      [1e21, 'result_type="number",value=1e+21'],
      [true, 'result_type="boolean",value_bool=true'],
      ['open "door"', 'result_type="string",value_text="open \\"door\\""'],
      ['two\nlines', 'result_type="json",value_json="\\"two\\\\nlines\\""'],
      [{ lat: 49.87 }, 'result_type="json",value_json="{\\"lat\\":49.87}"'],
      [[1, 2], 'result_type="json",value_json="[1,2]"'],
    ])('writes result %j', (result, fields) => {
      const line = toLine(makeObservation({ result }), {});

      expect(line).toContain(`,${fields} `);
      expect(line).not.toMatch(/[\n\r]/);
    });

    it('writes quality flags as JSON', () => {
      expect(toLine(makeObservation({ qualityFlags: ['estimated'] }), {})).toContain(
        'quality_flags="[\\"estimated\\"]"',
      );
    });
  });
});
