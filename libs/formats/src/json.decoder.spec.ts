import { RejectionCode } from '@stadtdaten/contracts';
import { jsonBytes, makeDecodeContext, RECEIVED_AT_MS, rejectionOf, textBytes } from '../test/fixtures';
import { JsonDecoder } from './json.decoder';

describe(JsonDecoder.name, () => {
  const sut = new JsonDecoder();
  const ctx = makeDecodeContext();

  describe('decode', () => {
    it('reads each member as a field', () => {
      const { readings, rejections } = sut.decode(
        jsonBytes({ temperature: 21.5, open: false, label: 'Halle' }),
        ctx,
      );

      expect(rejections).toEqual([]);
      expect(readings).toEqual([
        { deviceId: 'device-1', field: 'temperature', value: 21.5, timeMs: RECEIVED_AT_MS, entryIndex: 0 },
        { deviceId: 'device-1', field: 'open', value: false, timeMs: RECEIVED_AT_MS, entryIndex: 0 },
        { deviceId: 'device-1', field: 'label', value: 'Halle', timeMs: RECEIVED_AT_MS, entryIndex: 0 },
      ]);
    });

    it.each(['time', 'timestamp', 'ts'])('takes the time from %s', (key) => {
      const { readings } = sut.decode(jsonBytes({ [key]: '2024-05-01T11:00:00Z', pm2_5: 4 }), ctx);

      expect(readings.map((reading) => reading.field)).toEqual(['pm2_5']);
      expect(readings[0].timeMs).toBe(Date.UTC(2024, 4, 1, 11));
    });

    it('reads local times in the zone', () => {
      const { readings } = sut.decode(
        jsonBytes({ ts: '2024-05-01T13:00:00', level: 3 }),
        makeDecodeContext({ timeZone: 'Europe/Berlin' }),
      );

      expect(readings[0].timeMs).toBe(Date.UTC(2024, 4, 1, 11));
    });

    it('keeps nested values as one field', () => {
      const { readings } = sut.decode(
        jsonBytes({ position: { lat: 49.87, lon: 8.65 }, counts: [1, 2] }),
        ctx,
      );

      expect(readings.map((reading) => [reading.field, reading.value])).toEqual([
        ['position', { lat: 49.87, lon: 8.65 }],
        ['counts', [1, 2]],
      ]);
    });

    it('numbers array entries', () => {
      const { readings } = sut.decode(
        jsonBytes([
          { ts: 1_714_561_200, level: 1 },
          { ts: 1_714_561_260, level: 2 },
        ]),
        ctx,
      );

      expect(readings.map((reading) => [reading.entryIndex, reading.value, reading.timeMs])).toEqual([
        [0, 1, 1_714_561_200_000],
        [1, 2, 1_714_561_260_000],
      ]);
    });

    it('rejects a bad entry and keeps the others', () => {
      const { readings, rejections } = sut.decode(
        jsonBytes([{ level: 1 }, { ts: 'soon', level: 2 }, 7, { level: 3 }]),
        ctx,
      );

      expect(readings.map((reading) => reading.value)).toEqual([1, 3]);
      expect(rejections.map((rejection) => [rejection.entryIndex, rejection.code])).toEqual([
        [1, RejectionCode.INVALID_TIMESTAMP],
        [2, RejectionCode.INVALID_PAYLOAD],
      ]);
      expect(rejections[0].message).toContain('Entry 1');
      expect(rejections[0].field).toBe('ts');
    });

    it('rejects a future time per entry', () => {
      const { rejections } = sut.decode(jsonBytes([{ ts: RECEIVED_AT_MS + 3_600_000, level: 1 }]), ctx);

      expect(rejections[0].code).toBe(RejectionCode.FUTURE_TIMESTAMP);
    });

    it('rejects a local time without zone', () => {
      const { rejections } = sut.decode(jsonBytes({ time: '2024-05-01T10:00:00', level: 1 }), ctx);

      expect(rejections[0].code).toBe(RejectionCode.MISSING_TIME_ZONE);
      expect(rejections[0].entryIndex).toBe(0);
    });

    it('rejects two time members', () => {
      const { rejections } = sut.decode(jsonBytes({ time: 1_714_561_200, ts: 1_714_561_200, level: 1 }), ctx);

      expect(rejections[0].code).toBe(RejectionCode.INVALID_PAYLOAD);
      expect(rejections[0].message).toContain('time, ts');
    });

    it('rejects an entry with only a time', () => {
      const { readings, rejections } = sut.decode(jsonBytes({ ts: 1_714_561_200 }), ctx);

      expect(readings).toEqual([]);
      expect(rejections[0].code).toBe(RejectionCode.INVALID_PAYLOAD);
    });

    it.each([
      ['a number', 42],
      ['a string', 'hello'],
      ['null', null],
    ])('throws for %s', (_label, document) => {
      const error = rejectionOf(() => sut.decode(jsonBytes(document), ctx));

      expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    });

    it('throws for an empty array', () => {
      expect(rejectionOf(() => sut.decode(jsonBytes([]), ctx)).code).toBe(RejectionCode.INVALID_PAYLOAD);
    });

    it('throws for malformed JSON', () => {
      const error = rejectionOf(() => sut.decode(textBytes('{"level": 1,}'), ctx));

      expect(error.code).toBe(RejectionCode.MALFORMED_PAYLOAD);
      expect(error.message).toContain('offset 12');
    });
  });
});
