import { RejectionCode } from '@stadtdaten/contracts';
import { rejectionOf } from '../test/fixtures';
import {
  DEFAULT_MAX_FUTURE_MS,
  EPOCH_MS_THRESHOLD,
  MIN_TIMESTAMP_MS,
  parseInstant,
  parseTimestamp,
} from './timestamp.parser';

const NOW_MS = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('parseTimestamp', () => {
  describe('with offset', () => {
    it.each([
      ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
      ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
      ['2024-05-01T05:00:00-0500', Date.UTC(2024, 4, 1, 10)],
      ['2024-05-01T10:00:00.123Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
      ['2024-05-01 10:00:00Z', Date.UTC(2024, 4, 1, 10)],
      ['20240501T100000Z', Date.UTC(2024, 4, 1, 10)],
    ])('reads %s', (raw, expected) => {
      expect(parseTimestamp(raw, { nowMs: NOW_MS })).toBe(expected);
    });

    it('keeps milliseconds of nanosecond times', () => {
      expect(parseTimestamp('2023-05-19T05:33:35.848446463Z', { nowMs: NOW_MS })).toBe(
        Date.UTC(2023, 4, 19, 5, 33, 35, 848),
      );
    });

    it('ignores the zone option', () => {
      expect(parseTimestamp('2024-05-01T10:00:00Z', { nowMs: NOW_MS, timeZone: 'Europe/Berlin' })).toBe(
        Date.UTC(2024, 4, 1, 10),
      );
    });
  });

  describe('epoch numbers', () => {
    it('reads seconds below the threshold', () => {
      expect(parseTimestamp(1_714_557_600, { nowMs: NOW_MS })).toBe(1_714_557_600_000);
    });

    it('reads fractional seconds', () => {
      expect(parseTimestamp(1_276_020_076.001, { nowMs: NOW_MS })).toBe(1_276_020_076_001);
    });

    it('reads milliseconds at the threshold and above', () => {
      expect(parseTimestamp(1_714_557_600_000, { nowMs: NOW_MS })).toBe(1_714_557_600_000);
      expect(parseInstant(EPOCH_MS_THRESHOLD, {})).toBe(EPOCH_MS_THRESHOLD);
    });

    it('reads the value just below the threshold as seconds', () => {
      expect(parseInstant(EPOCH_MS_THRESHOLD - 1, {})).toBe((EPOCH_MS_THRESHOLD - 1) * 1000);
    });

    it.each([
      ['1714557600', 1_714_557_600_000],
      [' 1714557600000 ', 1_714_557_600_000],
      ['1714557600.5', 1_714_557_600_500],
    ])('reads numeric string %j', (raw, expected) => {
      expect(parseTimestamp(raw, { nowMs: NOW_MS })).toBe(expected);
    });
  });

  describe('local time', () => {
    it('reads it in the given zone', () => {
      expect(parseTimestamp('2024-05-01T12:00:00', { nowMs: NOW_MS, timeZone: 'Europe/Berlin' })).toBe(
        Date.UTC(2024, 4, 1, 10),
      );
    });

    it('reads a date as local midnight', () => {
      expect(parseTimestamp('2024-01-15', { nowMs: NOW_MS, timeZone: 'Europe/Berlin' })).toBe(
        Date.UTC(2024, 0, 14, 23),
      );
    });

    it('rejects it without zone', () => {
      const error = rejectionOf(() => parseTimestamp('2024-05-01T12:00:00', { nowMs: NOW_MS, field: 'ts' }));

      expect(error.code).toBe(RejectionCode.MISSING_TIME_ZONE);
      expect(error.message).toContain('"2024-05-01T12:00:00"');
      expect(error.message).toContain('set timeZone in the device type');
      expect(error.field).toBe('ts');
    });

    it('rejects an unknown zone', () => {
      const error = rejectionOf(() =>
        parseTimestamp('2024-05-01T12:00:00', { nowMs: NOW_MS, timeZone: 'Europe/Darmstadt' }),
      );

      expect(error.code).toBe(RejectionCode.MISSING_TIME_ZONE);
      expect(error.message).toContain("'Europe/Darmstadt'");
    });
  });

  describe('daylight saving in Europe/Berlin', () => {
    const berlin = { nowMs: NOW_MS, timeZone: 'Europe/Berlin' };

    it('reads the time before the spring change as UTC+1', () => {
      expect(parseTimestamp('2020-03-29T01:59:59', berlin)).toBe(Date.UTC(2020, 2, 29, 0, 59, 59));
    });

    it.each(['2020-03-29T02:00:00', '2020-03-29T02:30:00', '2020-03-29T02:59:59'])(
      'rejects skipped spring time %s',
      (raw) => {
        const error = rejectionOf(() => parseTimestamp(raw, berlin));

        expect(error.code).toBe(RejectionCode.INVALID_TIMESTAMP);
        expect(error.message).toContain('Europe/Berlin');
      },
    );

    it('reads the time after the spring change as UTC+2', () => {
      expect(parseTimestamp('2020-03-29T03:00:00', berlin)).toBe(Date.UTC(2020, 2, 29, 1));
    });

    it.each([
      ['2020-10-25T02:00:00', Date.UTC(2020, 9, 25, 0, 0)],
      ['2020-10-25T02:30:00', Date.UTC(2020, 9, 25, 0, 30)],
      ['2020-10-25T02:59:59', Date.UTC(2020, 9, 25, 0, 59, 59)],
    ])('reads repeated autumn time %s as the first occurrence', (raw, expected) => {
      expect(parseTimestamp(raw, berlin)).toBe(expected);
    });

    it('reads the time after the autumn change as UTC+1', () => {
      expect(parseTimestamp('2020-10-25T03:00:00', berlin)).toBe(Date.UTC(2020, 9, 25, 2));
    });

    it('reads the second autumn occurrence given with offset', () => {
      expect(parseTimestamp('2020-10-25T02:30:00+01:00', berlin)).toBe(Date.UTC(2020, 9, 25, 1, 30));
    });
  });

  describe('invalid values', () => {
    it.each([
      ['garbage text', 'yesterday'],
      ['a time without date', '12:30:00'],
      ['an impossible date', '2024-02-30T10:00:00Z'],
      ['an empty string', ''],
      ['a boolean', true],
      ['null', null],
      ['an object', { seconds: 1 }],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a number beyond the date range', 1e300],
    ])('rejects %s', (_label, raw) => {
      expect(rejectionOf(() => parseTimestamp(raw, { nowMs: NOW_MS })).code).toBe(
        RejectionCode.INVALID_TIMESTAMP,
      );
    });

    it('names the value and the field', () => {
      const error = rejectionOf(() => parseTimestamp('yesterday', { nowMs: NOW_MS, field: 'time' }));

      expect(error.message).toContain('"yesterday"');
      expect(error.message).toContain("'time'");
      expect(error.field).toBe('time');
    });

    it('rejects times before 1990', () => {
      const error = rejectionOf(() => parseTimestamp(MIN_TIMESTAMP_MS - 1, { nowMs: NOW_MS }));

      expect(error.code).toBe(RejectionCode.INVALID_TIMESTAMP);
      expect(error.message).toContain('1990-01-01');
    });

    it('accepts 1990-01-01 itself', () => {
      expect(parseTimestamp('1990-01-01T00:00:00Z', { nowMs: NOW_MS })).toBe(MIN_TIMESTAMP_MS);
    });

    it('rejects an unset device clock', () => {
      expect(rejectionOf(() => parseTimestamp(0, { nowMs: NOW_MS })).code).toBe(
        RejectionCode.INVALID_TIMESTAMP,
      );
    });
  });

  describe('future times', () => {
    it('accepts the default tolerance', () => {
      expect(parseTimestamp(NOW_MS + DEFAULT_MAX_FUTURE_MS, { nowMs: NOW_MS })).toBe(
        NOW_MS + DEFAULT_MAX_FUTURE_MS,
      );
    });

    it('rejects beyond the default tolerance', () => {
      const error = rejectionOf(() => parseTimestamp(NOW_MS + DEFAULT_MAX_FUTURE_MS + 1, { nowMs: NOW_MS }));

      expect(error.code).toBe(RejectionCode.FUTURE_TIMESTAMP);
      expect(error.message).toContain('300 s');
    });

    it('honours maxFutureMs', () => {
      const options = { nowMs: NOW_MS, maxFutureMs: 1000 };

      expect(parseTimestamp(NOW_MS + 1000, options)).toBe(NOW_MS + 1000);
      expect(rejectionOf(() => parseTimestamp(NOW_MS + 1001, options)).code).toBe(
        RejectionCode.FUTURE_TIMESTAMP,
      );
    });

    it('rejects a local time read in the wrong zone', () => {
      const error = rejectionOf(() =>
        parseTimestamp('2024-05-01T13:00:00', { nowMs: NOW_MS, timeZone: 'America/New_York' }),
      );

      expect(error.code).toBe(RejectionCode.FUTURE_TIMESTAMP);
    });
  });
});
