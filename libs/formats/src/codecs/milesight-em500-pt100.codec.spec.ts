import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { MilesightEm500Pt100Codec } from './milesight-em500-pt100.codec';

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
  expect(error.details).toEqual({ codec: 'milesight-em500-pt100', fPort, byteOffset });
  expect(error.message).toContain(
    `milesight-em500-pt100 codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(MilesightEm500Pt100Codec.name, () => {
  const sut = new MilesightEm500Pt100Codec();

  describe('decode', () => {
    it('reads Milesight example', () => {
      expect(sut.decode(bytes('017564 03671901'), 85)).toEqual({ battery: 100, temperature: 28.1 });
    });

    it('reads negative temperature', () => {
      // 0xFF38 = -200 → -20.0 °C.
      expect(sut.decode(bytes('036738ff'), 85)).toEqual({ temperature: -20 });
    });

    it('reads temperature alarm', () => {
      expect(sut.decode(bytes('83d7 1901 3200 02'), 85)).toEqual({
        temperature: 28.1,
        temperature_change: 5,
        temperature_alarm: 'mutation_alarm',
      });
    });

    it('reads history records', () => {
      const payload = bytes('20ce 80f2f765 1901 20ce bcf2f765 ecff');

      expect(sut.decode(payload, 85)).toEqual({
        history: [
          { timestamp: 0x65f7f280, temperature: 28.1 },
          { timestamp: 0x65f7f2bc, temperature: -2 },
        ],
      });
    });

    it('rejects undefined alarm kind', () => {
      const error = rejectionOf(() => sut.decode(bytes('83d7 1901 3200 07'), 85));

      expectInvalidPayload(error, 85, 6);
      expect(error.message).toContain('temperature alarm 7 is not defined');
    });

    it('rejects distance channel', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('017564 03824408'), 85)),
        85,
        3,
      );
    });

    it('rejects truncated history record', () => {
      const error = rejectionOf(() => sut.decode(bytes('20ce 80f2f765 19'), 85));

      expectInvalidPayload(error, 85, 6);
      expect(error.message).toContain('history temperature needs 2 byte(s)');
    });
  });
});
