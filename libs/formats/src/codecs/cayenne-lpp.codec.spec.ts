import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { CayenneLppCodec } from './cayenne-lpp.codec';

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
  expect(error.details).toEqual({ codec: 'cayenne-lpp', fPort, byteOffset });
  expect(error.message).toContain(
    `cayenne-lpp codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(CayenneLppCodec.name, () => {
  const sut = new CayenneLppCodec();

  describe('decode', () => {
    it('reads channel-suffixed scalars', () => {
      const payload = bytes('03670110 05670111');

      expect(sut.decode(payload, 1)).toEqual({ temperature_3: 27.2, temperature_5: 27.3 });
    });

    it('reads every scalar type', () => {
      const payload = bytes('0100ff 0201ff 0302fed4 0403012c 05650190 066601 0768a1 08732747');

      expect(sut.decode(payload, 1)).toEqual({
        digital_in_1: 255,
        digital_out_2: 255,
        analog_in_3: -3,
        analog_out_4: 3,
        luminosity_5: 400,
        presence_6: true,
        relative_humidity_7: 80.5,
        barometric_pressure_8: 1005.5,
      });
    });

    it('reads accelerometer axes', () => {
      expect(sut.decode(bytes('067104d2fb2e0000'), 1)).toEqual({
        accelerometer_x_6: 1.234,
        accelerometer_y_6: -1.234,
        accelerometer_z_6: 0,
      });
    });

    it('reads gyrometer axes', () => {
      expect(sut.decode(bytes('02860064ff9c0000'), 1)).toEqual({
        gyrometer_x_2: 1,
        gyrometer_y_2: -1,
        gyrometer_z_2: 0,
      });
    });

    it('reads GPS position', () => {
      // 42.3519°, -87.9094°, 10 m.
      expect(sut.decode(bytes('018806765ff2960a0003e8'), 1)).toEqual({
        gps_latitude_1: 42.3519,
        gps_longitude_1: -87.9094,
        gps_altitude_1: 10,
      });
    });

    it('rejects unknown type', () => {
      const error = rejectionOf(() => sut.decode(bytes('03670110 0574ffff'), 2));

      expectInvalidPayload(error, 2, 4);
      expect(error.message).toContain('data type 116 on channel 5 is not a Cayenne LPP type');
    });

    it('rejects truncated temperature', () => {
      const error = rejectionOf(() => sut.decode(bytes('036701'), 2));

      expectInvalidPayload(error, 2, 2);
      expect(error.message).toContain('temperature needs 2 byte(s) but only 1 remain');
    });

    it('rejects presence value 2', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('016602'), 2)),
        2,
        2,
      );
    });

    it('rejects repeated channel and type', () => {
      const error = rejectionOf(() => sut.decode(bytes('03670110 03670111'), 2));

      expectInvalidPayload(error, 2, 4);
      expect(error.message).toContain('temperature_3 appears twice');
    });

    it('rejects reserved port', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('03670110'), 255)),
        255,
        0,
      );
    });
  });
});
