import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples, samplePath } from '@stadtdaten/testing';
import { jsonBytes, makeDecodeContext, readSample, rejectionOf, RECEIVED_AT_MS } from '../test/fixtures';
import { SensorCommunityDecoder } from './sensor-community.decoder';

function makePush(values: unknown[], esp8266id: unknown = 12041741) {
  return { esp8266id, software_version: 'NRZ-2020-129', sensordatavalues: values };
}

describe(SensorCommunityDecoder.name, () => {
  const sut = new SensorCommunityDecoder();
  const ctx = makeDecodeContext({ deviceId: 'http-client' });

  describeWithSamples('samples', () => {
    it('reads the airRohr push', () => {
      const payload = readSample(samplePath('sensor-community', 'airrohr_http-push_NRZ-2018-123B.json'));
      const { readings, rejections } = sut.decode(payload, ctx);

      expect(rejections).toEqual([]);
      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([
        ['SDS_P1', 35.67],
        ['SDS_P2', 17],
        ['BME280_temperature', -2.83],
        ['BME280_humidity', 66.73],
        ['BME280_pressure', 100535.97],
        ['samples', 3016882],
        ['min_micro', 77],
        ['max_micro', 26303],
        ['signal', -66],
      ]);
      expect(readings.map((reading) => reading.entryIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(readings.map((reading) => reading.deviceId))).toEqual(new Set(['esp8266-12041741']));
      expect(new Set(readings.map((reading) => reading.timeMs))).toEqual(new Set([RECEIVED_AT_MS]));
    });
  });

  describe('decode', () => {
    it('accepts esp8266id as a string', () => {
      const { readings } = sut.decode(
        jsonBytes(makePush([{ value_type: 'P1', value: '3.0' }], '12041741')),
        ctx,
      );

      expect(readings[0].deviceId).toBe('esp8266-12041741');
    });

    it('keeps the context device without esp8266id', () => {
      const { readings } = sut.decode(
        jsonBytes({ sensordatavalues: [{ value_type: 'P1', value: '3.0' }] }),
        ctx,
      );

      expect(readings[0].deviceId).toBe('http-client');
    });

    it('keeps numbers sent as numbers', () => {
      const { readings } = sut.decode(jsonBytes(makePush([{ value_type: 'P2', value: 1.5 }])), ctx);

      expect(readings[0].value).toBe(1.5);
    });

    it.each([['abc'], [''], ['12,5'], ['NaN'], [null], [true]])('rejects value %j per entry', (value) => {
      const { readings, rejections } = sut.decode(
        jsonBytes(
          makePush([
            { value_type: 'P1', value: '3.0' },
            { value_type: 'P2', value },
          ]),
        ),
        ctx,
      );

      expect(readings.map((reading) => reading.field)).toEqual(['P1']);
      expect(rejections).toHaveLength(1);
      expect(rejections[0].code).toBe(RejectionCode.WRONG_TYPE);
      expect(rejections[0].entryIndex).toBe(1);
      expect(rejections[0].field).toBe('P2');
      expect(rejections[0].message).toContain(JSON.stringify(value));
    });

    it.each([
      ['a string element', 'P1=3'],
      ['a missing value_type', { value: '3.0' }],
      ['an empty value_type', { value_type: '', value: '3.0' }],
    ])('rejects %s per entry', (_label, entry) => {
      const { rejections } = sut.decode(jsonBytes(makePush([entry])), ctx);

      expect(rejections.map((rejection) => [rejection.code, rejection.entryIndex])).toEqual([
        [RejectionCode.INVALID_PAYLOAD, 0],
      ]);
    });

    it.each([
      ['no sensordatavalues', { esp8266id: 1 }, "'sensordatavalues'"],
      ['sensordatavalues as an object', { sensordatavalues: {} }, 'must be an array'],
      ['empty sensordatavalues', { sensordatavalues: [] }, 'empty'],
      ['an esp8266id object', makePush([{ value_type: 'P1', value: '1' }], { id: 1 }), 'esp8266id'],
      ['an array', [], 'must be a JSON object'],
    ])('throws for %s', (_label, body, text) => {
      const error = rejectionOf(() => sut.decode(jsonBytes(body), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(error.message).toContain(text);
    });
  });
});
