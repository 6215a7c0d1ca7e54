import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { MilesightVs133Codec } from './milesight-vs133.codec';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));
}

function rejectionOf(action: () => unknown): RejectionError {
  try {
    action();
  } catch (error) {
    if (error instanceof RejectionError) {
      return error;
    }
    throw error;
  }
  throw new Error('decode returned instead of throwing a RejectionError');
}

function expectInvalidPayload(error: RejectionError, fPort: number, byteOffset: number): void {
  expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
  expect(error.details).toEqual({ codec: 'milesight-vs133', fPort, byteOffset });
  expect(error.message).toContain(
    `milesight-vs133 codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(MilesightVs133Codec.name, () => {
  const sut = new MilesightVs133Codec();

  describe('decode', () => {
    it('reads total counts', () => {
      const payload = bytes('03d248000000 04d2c8000000 06d200000000 07d200000000 0cd2b4140000 0dd28d1a0000');

      expect(sut.decode(payload, 85)).toEqual({
        line_1_total_in: 72,
        line_1_total_out: 200,
        line_2_total_in: 0,
        line_2_total_out: 0,
        line_4_total_in: 5300,
        line_4_total_out: 6797,
      });
    });

    it('reads period counts', () => {
      expect(sut.decode(bytes('0bcc00000100 0ecc05000700'), 85)).toEqual({
        line_3_period_in: 0,
        line_3_period_out: 1,
        line_4_period_in: 5,
        line_4_period_out: 7,
      });
    });

    it('reads region counts', () => {
      expect(sut.decode(bytes('0fe302100709'), 85)).toEqual({
        region_1_count: 2,
        region_2_count: 16,
        region_3_count: 7,
        region_4_count: 9,
      });
    });

    it('reads dwell times', () => {
      expect(sut.decode(bytes('10e40109101121 10e40476001387'), 85)).toEqual({
        region_1_avg_dwell: 4105,
        region_1_max_dwell: 8465,
        region_4_avg_dwell: 118,
        region_4_max_dwell: 34579,
      });
    });

    it('reads large totals unsigned', () => {
      expect(sut.decode(bytes('03d2ffffffff'), 85)).toEqual({ line_1_total_in: 4294967295 });
    });

    it('rejects dwell region 5', () => {
      const error = rejectionOf(() => sut.decode(bytes('10e40509101121'), 85));

      expectInvalidPayload(error, 85, 2);
      expect(error.message).toContain('dwell time region 5 is not defined');
    });

    it('rejects line 5 channel', () => {
      const error = rejectionOf(() => sut.decode(bytes('03d248000000 0fd248000000'), 85));

      expectInvalidPayload(error, 85, 6);
      expect(error.message).toContain('channel 0x0F with data type 0xD2');
    });

    it('rejects truncated total', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('03d2480000'), 85)),
        85,
        2,
      );
    });
  });
});
