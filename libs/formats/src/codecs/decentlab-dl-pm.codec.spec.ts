import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { DecentlabDlPmCodec } from './decentlab-dl-pm.codec';

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
  expect(error.details).toEqual({ codec: 'decentlab-dl-pm', fPort, byteOffset });
  expect(error.message).toContain(
    `decentlab-dl-pm codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(DecentlabDlPmCodec.name, () => {
  const sut = new DecentlabDlPmCodec();

  describe('decode', () => {
    it('reads all four sensors', () => {
      const payload = bytes(
        '02 1b50 000f 0c25 0025 0027 0027 0027 01f5 0107 012c 012d 012d 012d 67bd 618d bd10',
      );

      expect(sut.decode(payload, 1)).toEqual({
        protocol_version: 2,
        device_id: 6992,
        battery_voltage: 3.109,
        pm1_0_mass_concentration: 3.7,
        pm2_5_mass_concentration: 3.9,
        pm4_mass_concentration: 3.9,
        pm10_mass_concentration: 3.9,
        typical_particle_size: 501,
        pm0_5_number_concentration: 26.3,
        pm1_0_number_concentration: 30,
        pm2_5_number_concentration: 30.1,
        pm4_number_concentration: 30.1,
        pm10_number_concentration: 30.1,
        air_temperature: expect.closeTo(24.3566046, 6),
        air_humidity: expect.closeTo(41.6322174, 6),
        barometric_pressure: 96800,
      });
    });

    it('skips sensors without flag', () => {
      expect(sut.decode(bytes('02 1b50 000d 0c25 67bd 618d bd10'), 1)).toEqual({
        protocol_version: 2,
        device_id: 6992,
        battery_voltage: 3.109,
        air_temperature: expect.closeTo(24.3566046, 6),
        air_humidity: expect.closeTo(41.6322174, 6),
        barometric_pressure: 96800,
      });
    });

    it('reads flags without values', () => {
      expect(sut.decode(bytes('02 1b50 0000'), 5)).toEqual({ protocol_version: 2, device_id: 6992 });
    });

    it('rejects protocol version 1', () => {
      const error = rejectionOf(() => sut.decode(bytes('01 1b50 0001 0c25'), 1));

      expectInvalidPayload(error, 1, 0);
      expect(error.message).toContain('protocol version 1 is not supported (expected 2)');
    });

    it('rejects flag of unknown sensor', () => {
      const error = rejectionOf(() => sut.decode(bytes('02 1b50 0011 0c25 0000'), 1));

      expectInvalidPayload(error, 1, 3);
      expect(error.message).toContain('sensor flags 0x0011');
    });

    it('rejects missing sensor values', () => {
      const error = rejectionOf(() => sut.decode(bytes('02 1b50 000d 0c25 67bd'), 1));

      expectInvalidPayload(error, 1, 9);
      expect(error.message).toContain('air temperature and humidity needs 2 byte(s) but only 0 remain');
    });

    it('rejects trailing bytes', () => {
      const error = rejectionOf(() => sut.decode(bytes('02 1b50 0001 0c25 ff'), 1));

      expectInvalidPayload(error, 1, 7);
      expect(error.message).toContain('1 byte(s) follow the values of the flagged sensors');
    });

    it('rejects header without flags', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('02 1b50'), 1)),
        1,
        3,
      );
    });

    it('rejects MAC command port', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('02 1b50 0000'), 0)),
        0,
        0,
      );
    });
  });
});
