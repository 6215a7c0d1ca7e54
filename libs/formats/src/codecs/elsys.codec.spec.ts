import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { ElsysCodec } from './elsys.codec';

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
  expect(error.details).toEqual({ codec: 'elsys', fPort, byteOffset });
  expect(error.message).toContain(`elsys codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`);
}

describe(ElsysCodec.name, () => {
  const sut = new ElsysCodec();

  describe('decode', () => {
    it('reads ERS2 climate values', () => {
      const payload = bytes('0100e2 0229 040027 0506 060308 070d62');

      expect(sut.decode(payload, 5)).toEqual({
        temperature: 22.6,
        humidity: 41,
        light: 39,
        motion: 6,
        co2: 776,
        vdd: 3426,
      });
    });

    it('reads negative temperature', () => {
      expect(sut.decode(bytes('01ff9c'), 5)).toEqual({ temperature: -10 });
    });

    it('reads acceleration in g', () => {
      expect(sut.decode(bytes('03 3f c1 00'), 5)).toEqual({
        acceleration_x: 1,
        acceleration_y: -1,
        acceleration_z: 0,
      });
    });

    it('reads external probe values', () => {
      const payload = bytes('0cff38 0d01 0e0bb8 1a00 1b fffffc18');

      expect(sut.decode(payload, 5)).toEqual({
        external_temperature: -20,
        external_digital: true,
        distance: 3000,
        external_digital_2: false,
        analog_load_cell: -1000,
      });
    });

    it('reads pressure in hPa', () => {
      expect(sut.decode(bytes('14 000f7314'), 5)).toEqual({ pressure: 1012.5 });
    });

    it('reads IR temperatures', () => {
      expect(sut.decode(bytes('10 00e6 ff9c'), 5)).toEqual({
        ir_internal_temperature: 23,
        ir_external_temperature: -10,
      });
    });

    it('rejects undecoded GPS type', () => {
      const error = rejectionOf(() => sut.decode(bytes('0100e2 09 000000000000'), 5));

      expectInvalidPayload(error, 5, 3);
      expect(error.message).toContain('data type 0x09 is not decoded');
    });

    it('rejects unknown type', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('0229 ee'), 5)),
        5,
        2,
      );
    });

    it('rejects truncated VDD', () => {
      const error = rejectionOf(() => sut.decode(bytes('0229 070d'), 5));

      expectInvalidPayload(error, 5, 3);
      expect(error.message).toContain('VDD needs 2 byte(s) but only 1 remain');
    });

    it('rejects repeated type', () => {
      const error = rejectionOf(() => sut.decode(bytes('0229 022a'), 5));

      expectInvalidPayload(error, 5, 2);
      expect(error.message).toContain('humidity appears twice');
    });

    it('rejects empty payload', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes(''), 5)),
        5,
        0,
      );
    });
  });
});
