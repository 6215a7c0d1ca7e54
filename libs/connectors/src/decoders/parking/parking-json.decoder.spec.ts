import { RejectionCode } from '@stadtdaten/contracts';
import { describeWithSamples } from '@stadtdaten/testing';
import { join } from 'node:path';
import {
  jsonInput,
  makeSourceContext,
  problemSummary,
  readSampleBytes,
  recordsOf,
  utf8Bytes,
} from '../common/source-decoder-spec.fixtures';
import { ParkingJsonDecoder } from './parking-json.decoder';

function makeMessage(overrides: Record<string, unknown> = {}) {
  return {
    id: 'space-1',
    timestamp: '2025-04-11T07:09:27.237Z',
    location: '',
    occupied: true,
    packettype: 'Status',
    parkingtype: 'NORMAL',
    ...overrides,
  };
}

describe(ParkingJsonDecoder.name, () => {
  const sut = new ParkingJsonDecoder();
  const ctx = makeSourceContext({ sourceName: 'ulm.json' });

  describeWithSamples('Ulm sample', (dir) => {
    const result = sut.decode(readSampleBytes(join(dir, 'parking', 'ulm_sensors_parking-spots.json')), ctx);

    it('keys one feature per space', () => {
      expect(result.features).toHaveLength(44);
      expect(result.features[0]).toEqual({
        key: 'pbg-b-elade-w-1-054',
        properties: { parking_type: 'NORMAL' },
      });
    });

    it('reads occupied at the message time', () => {
      expect(recordsOf(result, 'pbg-b-elade-w-1-054', 'occupied')).toEqual([
        {
          featureKey: 'pbg-b-elade-w-1-054',
          field: 'occupied',
          value: false,
          timeMs: Date.parse('2025-04-11T07:09:27.237Z'),
          position: '[0].occupied',
        },
      ]);
    });

    it('keeps months-old heartbeat times', () => {
      const times = result.records.map((record) => record.timeMs);

      expect(result.records).toHaveLength(44);
      expect(result.records.filter((record) => record.value === true)).toHaveLength(15);
      expect(Math.min(...times)).toBe(Date.parse('2024-11-24T12:38:04.716Z'));
      expect(Math.max(...times)).toBe(Date.parse('2025-04-11T07:31:16.255Z'));
      expect(result.problems).toEqual([]);
      expect(result.missing).toBe(0);
    });
  });

  describe('inline input', () => {
    it('counts null occupied as missing', () => {
      const result = sut.decode(jsonInput([makeMessage({ occupied: null })]), ctx);

      expect(result.records).toEqual([]);
      expect(result.missing).toBe(1);
    });

    it.each([
      ['occupied as text', { occupied: 'yes' }, RejectionCode.INVALID_PAYLOAD, '[0].occupied'],
      ['a missing id', { id: undefined }, RejectionCode.INVALID_PAYLOAD, '[0].id'],
      ['a missing timestamp', { timestamp: undefined }, RejectionCode.INVALID_TIMESTAMP, '[0].timestamp'],
      [
        'a future timestamp',
        { timestamp: '2027-01-01T00:00:00Z' },
        RejectionCode.FUTURE_TIMESTAMP,
        '[0].timestamp',
      ],
    ])('reports %s', (_label, overrides, code, position) => {
      const result = sut.decode(jsonInput([makeMessage(overrides)]), ctx);

      expect(problemSummary(result)).toEqual([[code, position]]);
    });

    it('reads input with a byte order mark', () => {
      const result = sut.decode(utf8Bytes(`\uFEFF${JSON.stringify([makeMessage()])}`), ctx);

      expect(result.records).toHaveLength(1);
    });

    it('rejects an object', () => {
      expect(() => sut.decode(jsonInput(makeMessage()), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.UNSUPPORTED_FORMAT }),
      );
    });

    it('rejects broken JSON', () => {
      expect(() => sut.decode(utf8Bytes('[{"id": '), ctx)).toThrow(
        expect.objectContaining({ code: RejectionCode.MALFORMED_PAYLOAD }),
      );
    });
  });
});
