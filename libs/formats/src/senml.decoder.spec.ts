import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonBytes, makeDecodeContext, RECEIVED_AT_MS, rejectionOf, textBytes } from '../test/fixtures';
import type { DecodedReading } from './payload-decoder.interface';
import { baseNameNamesDevice, SenmlDecoder } from './senml.decoder';

interface ResolvedSample {
  n: string;
  u?: string;
  t: number;
  v?: number;
  vs?: string;
  vb?: boolean;
}

/**
 * Examples whose records carry no absolute time. Their expected files hold the time at which
 * the files were generated, so the reading must carry the receive time instead.
 */
const EXAMPLES_WITHOUT_TIME = new Set(['ex1', 'ex2', 'ex7']);

describe(SenmlDecoder.name, () => {
  const sut = new SenmlDecoder();
  const ctx = makeDecodeContext({ deviceId: 'gateway-1' });

  describeWithSamples('RFC 8428 examples', (dir) => {
    const examples = readdirSync(join(dir, 'senml'))
      .filter((file) => /^ex\d+\.json$/.test(file))
      .map((file) => file.replace('.json', ''));

    it('finds the examples', () => {
      expect(examples.length).toBeGreaterThanOrEqual(6);
    });

    it.each(examples)('resolves %s like the expected file', (example) => {
      const expected = JSON.parse(
        readFileSync(join(dir, 'senml', `${example}.expected-resolved.json`), 'utf8'),
      ) as ResolvedSample[];
      const { readings, rejections } = sut.decode(readFileSync(join(dir, 'senml', `${example}.json`)), ctx);

      expect(rejections).toEqual([]);
      expected.forEach((record, index) => {
        const reading = readings[index];

        expect(reading.field).toBe(record.n);
        expect(reading.unit).toBe(record.u);
        expect(reading.value).toBe(record.v ?? record.vs ?? record.vb);
        expect(reading.timeMs).toBe(
          EXAMPLES_WITHOUT_TIME.has(example) ? RECEIVED_AT_MS : Math.round(record.t * 1000),
        );
        expect(reading.deviceId).toBe('gateway-1');
      });
    });

    it('keeps the data value of ex7', () => {
      const { readings } = sut.decode(readFileSync(join(dir, 'senml', 'ex7.json')), ctx);

      expect(readings).toHaveLength(4);
      expect(readings[3]).toMatchObject({
        field: 'urn:dev:ow:10e2073a01080063:nfv-reader',
        value: 'aGkgCg',
        entryIndex: 3,
      });
    });

    it('shortens names of the own device', () => {
      const { readings } = sut.decode(
        readFileSync(join(dir, 'senml', 'ex3.json')),
        makeDecodeContext({ deviceId: 'urn:dev:ow:10e2073a0108006' }),
      );

      expect(readings.map((reading) => reading.field)).toEqual(['voltage', ...Array(6).fill('current')]);
    });

    it('keeps full names of other devices in the pack', () => {
      const { readings } = sut.decode(
        readFileSync(join(dir, 'senml', 'ex6.json')),
        makeDecodeContext({ deviceId: '2001:db8::2' }),
      );

      expect(readings.map((reading) => reading.field)).toEqual([
        'temperature',
        'humidity',
        '2001:db8::1/temperature',
        '2001:db8::1/humidity',
      ]);
      expect(new Set(readings.map((reading) => reading.deviceId))).toEqual(new Set(['2001:db8::2']));
    });

    it('keeps the full name of a record without n', () => {
      const { readings } = sut.decode(
        readFileSync(join(dir, 'senml', 'ex11.json')),
        makeDecodeContext({ deviceId: 'urn:dev:ow:10e2073a01080063' }),
      );

      expect(readings[0].field).toBe('urn:dev:ow:10e2073a01080063');
    });
  });

  describe('decode', () => {
    function decodeOne(pack: unknown): DecodedReading[] {
      const { readings, rejections } = sut.decode(jsonBytes(pack), ctx);

      expect(rejections).toEqual([]);

      return readings;
    }

    it('adds base value and base sum', () => {
      const readings = decodeOne([{ bn: 'meter-', bv: 100, bs: 5000, n: 'energy', u: 'W', v: 2, s: 30 }]);

      expect(readings.map((reading) => [reading.field, reading.value, reading.unit])).toEqual([
        ['meter-energy', 102, 'W'],
        ['meter-energy#sum', 5030, 'W'],
      ]);
    });

    it('reads a record with only a sum', () => {
      expect(decodeOne([{ n: 'rain', s: 12.5 }]).map((reading) => [reading.field, reading.value])).toEqual([
        ['rain#sum', 12.5],
      ]);
    });

    it('applies bu unless u is given', () => {
      const readings = decodeOne([
        { bu: 'Cel', n: 'a', v: 1 },
        { n: 'b', u: '%RH', v: 2 },
      ]);

      expect(readings.map((reading) => reading.unit)).toEqual(['Cel', '%RH']);
    });

    it('reads relative times from the receive time', () => {
      const readings = decodeOne([
        { n: 'a', t: -60, v: 1 },
        { n: 'a', v: 2 },
      ]);

      expect(readings.map((reading) => reading.timeMs)).toEqual([RECEIVED_AT_MS - 60_000, RECEIVED_AT_MS]);
    });

    it('reads absolute times from bt', () => {
      const readings = decodeOne([{ bt: 1_714_561_200, n: 'a', t: 30, v: 1 }]);

      expect(readings[0].timeMs).toBe(1_714_561_230_000);
    });

    it('skips a header record', () => {
      const readings = decodeOne([
        { bn: 'station/', bt: 1_714_561_200 },
        { n: 'a', v: 1 },
      ]);

      expect(readings).toEqual([
        {
          deviceId: 'gateway-1',
          field: 'station/a',
          value: 1,
          unit: undefined,
          timeMs: 1_714_561_200_000,
          entryIndex: 1,
        },
      ]);
    });

    it('ignores unknown labels', () => {
      expect(decodeOne([{ n: 'a', v: 1, ct: '60', ut: 300 }])).toHaveLength(1);
    });

    it('accepts bver up to 10', () => {
      expect(
        decodeOne([
          { bver: 10, n: 'a', v: 1 },
          { bver: 10, n: 'b', v: 2 },
        ]),
      ).toHaveLength(2);
    });
  });

  describe('per-record rejections', () => {
    it.each([
      ['a record that is no object', ['text'], RejectionCode.INVALID_PAYLOAD, 'must be an object'],
      [
        'an invalid name',
        [{ n: '-bad name', v: 1 }],
        RejectionCode.INVALID_PAYLOAD,
        'must start with a letter',
      ],
      ['an empty name', [{ v: 1 }], RejectionCode.INVALID_PAYLOAD, 'must start with a letter'],
      ['two values', [{ n: 'a', v: 1, vs: 'x' }], RejectionCode.INVALID_PAYLOAD, 'v, vs'],
      ['no value', [{ n: 'a', u: 'Cel' }], RejectionCode.INVALID_PAYLOAD, 'no value'],
      ['v as a string', [{ n: 'a', v: '21.5' }], RejectionCode.INVALID_PAYLOAD, 'v must be a number'],
      ['vb as a number', [{ n: 'a', vb: 1 }], RejectionCode.INVALID_PAYLOAD, 'vb must be a boolean'],
      ['t as a string', [{ n: 'a', v: 1, t: 'now' }], RejectionCode.INVALID_PAYLOAD, 't must be a number'],
      ['a time before 1990', [{ n: 'a', v: 1, t: 2 ** 28 }], RejectionCode.INVALID_TIMESTAMP, '1990'],
      [
        'a future relative time',
        [{ n: 'a', v: 1, t: 3600 }],
        RejectionCode.FUTURE_TIMESTAMP,
        'after the current time',
      ],
    ])('rejects %s', (_label, pack, code, text) => {
      const { readings, rejections } = sut.decode(jsonBytes(pack), ctx);

      expect(readings).toEqual([]);
      expect(rejections).toHaveLength(1);
      expect(rejections[0].code).toBe(code);
      expect(rejections[0].entryIndex).toBe(0);
      expect(rejections[0].message).toContain(text);
    });

    it('keeps the other records', () => {
      const { readings, rejections } = sut.decode(
        jsonBytes([{ n: 'a', v: 1 }, { n: 'b' }, { n: 'c', v: 3 }]),
        ctx,
      );

      expect(readings.map((reading) => reading.field)).toEqual(['a', 'c']);
      expect(rejections.map((rejection) => rejection.entryIndex)).toEqual([1]);
    });
  });

  describe('pack rejections', () => {
    it.each([
      ['an object', { n: 'a', v: 1 }, RejectionCode.INVALID_PAYLOAD, 'JSON array'],
      ['an empty pack', [], RejectionCode.INVALID_PAYLOAD, 'no records'],
      ['only headers', [{ bn: 'x/' }], RejectionCode.INVALID_PAYLOAD, 'only base fields'],
      ['bn as a number', [{ bn: 5, n: 'a', v: 1 }], RejectionCode.INVALID_PAYLOAD, 'bn must be a string'],
      [
        'bt as a string',
        [{ bt: '2024', n: 'a', v: 1 }],
        RejectionCode.INVALID_PAYLOAD,
        'bt must be a number',
      ],
      ['bver 11', [{ bver: 11, n: 'a', v: 1 }], RejectionCode.UNSUPPORTED_FORMAT, 'up to 10'],
      ['bver 1.5', [{ bver: 1.5, n: 'a', v: 1 }], RejectionCode.INVALID_PAYLOAD, 'positive integer'],
      [
        'mixed versions',
        [
          { bver: 5, n: 'a', v: 1 },
          { bver: 10, n: 'b', v: 1 },
        ],
        RejectionCode.INVALID_PAYLOAD,
        'same version',
      ],
      [
        'bver after default records',
        [
          { n: 'a', v: 1 },
          { bver: 5, n: 'b', v: 1 },
        ],
        RejectionCode.INVALID_PAYLOAD,
        'version 10',
      ],
      ['a must-understand label', [{ n: 'a', v: 1, ct_: '60' }], RejectionCode.UNSUPPORTED_FORMAT, 'ct_'],
    ])('throws for %s', (_label, pack, code, text) => {
      const error = rejectionOf(() => sut.decode(jsonBytes(pack), ctx));

      expect(error.code).toBe(code);
      expect(error.message).toContain(text);
    });

    it('throws for malformed JSON', () => {
      const error = rejectionOf(() => sut.decode(textBytes('[{"n":"a","v":1}'), ctx));

      expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
      expect(error.message).toContain('offset 16');
    });
  });
});

describe('baseNameNamesDevice', () => {
  it.each([
    ['urn:dev:ow:10e2073a01080063:', 'urn:dev:ow:10e2073a01080063', true],
    ['urn:dev:ow:10e2073a01080063:', '10E2073A01080063', true],
    ['2001:db8::2/', '2001:db8::2', true],
    ['sensor-7', 'sensor-7', true],
    ['sensor-7/', 'sensor-77', false],
    ['urn:dev:ow:10e2073a0108006:', 'urn:dev:ow:10e2073a01080063', false],
    ['', 'device-1', false],
  ])('compares %j with %j', (baseName, deviceId, expected) => {
    expect(baseNameNamesDevice(baseName, deviceId)).toBe(expected);
  });
});
