import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { MilesightEm310UdlCodec } from './milesight-em310-udl.codec';

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
  expect(error.details).toEqual({ codec: 'milesight-em310-udl', fPort, byteOffset });
  expect(error.message).toContain(
    `milesight-em310-udl codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(MilesightEm310UdlCodec.name, () => {
  const sut = new MilesightEm310UdlCodec();

  describe('decode', () => {
    it('reads Milesight example', () => {
      expect(sut.decode(bytes('01755c 03824408 040001'), 85)).toEqual({
        battery: 92,
        distance: 2116,
        tilted: true,
      });
    });

    it('reads normal position', () => {
      expect(sut.decode(bytes('040000'), 85)).toEqual({ tilted: false });
    });

    it('accepts configured application port', () => {
      expect(sut.decode(bytes('01755c'), 10)).toEqual({ battery: 92 });
    });

    it('reads device information', () => {
      const payload = bytes('ff0bff ff0101 ff166329c42903640033 ff090140 ff0a0114 ff0f00');

      expect(sut.decode(payload, 85)).toEqual({
        power_on: true,
        ipso_version: 1,
        serial_number: '6329c42903640033',
        hardware_version: '1.4',
        firmware_version: '1.14',
        lorawan_class: 'A',
      });
    });

    it('reads reset and TSL version', () => {
      expect(sut.decode(bytes('fffeff ffff0102'), 85)).toEqual({ reset: true, tsl_version: '1.2' });
    });

    it('rejects unknown channel', () => {
      const error = rejectionOf(() => sut.decode(bytes('01755c 03670101'), 85));

      expectInvalidPayload(error, 85, 3);
      expect(error.message).toContain(
        "channel 0x03 with data type 0x67 is not part of this device model's payload",
      );
    });

    it('rejects truncated distance', () => {
      const error = rejectionOf(() => sut.decode(bytes('01755c 038244'), 85));

      expectInvalidPayload(error, 85, 5);
      expect(error.message).toContain('distance needs 2 byte(s) but only 1 remain');
    });

    it('rejects lone channel byte', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('01755c 03'), 85)),
        85,
        4,
      );
    });

    it('rejects undefined position', () => {
      const error = rejectionOf(() => sut.decode(bytes('040002'), 85));

      expectInvalidPayload(error, 85, 2);
      expect(error.message).toContain('position 2 is not defined');
    });

    it('rejects repeated channel', () => {
      const error = rejectionOf(() => sut.decode(bytes('01755c 017550'), 85));

      expectInvalidPayload(error, 85, 3);
      expect(error.message).toContain('battery appears twice');
    });

    it('rejects empty payload', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes(''), 85)),
        85,
        0,
      );
    });

    it('rejects undefined LoRaWAN class', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('ff0f07'), 85)),
        85,
        2,
      );
    });

    it('rejects MAC command port', () => {
      const error = rejectionOf(() => sut.decode(bytes('01755c'), 0));

      expectInvalidPayload(error, 0, 0);
      expect(error.message).toContain('fPort 0 is not a LoRaWAN application port (1..223)');
    });

    it('rejects reserved port 224', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('01755c'), 224)),
        224,
        0,
      );
    });
  });
});
