import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { BoschParkingCodec } from './bosch-parking.codec';

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
  expect(error.details).toEqual({ codec: 'bosch-parking', fPort, byteOffset });
  expect(error.message).toContain(
    `bosch-parking codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
  expect(error.message).toContain('Check that the device type uses the codec of this device model');
}

describe(BoschParkingCodec.name, () => {
  const sut = new BoschParkingCodec();

  describe('decode', () => {
    it('reads occupied parking status', () => {
      expect(sut.decode(bytes('01'), 1)).toEqual({ message_type: 'parking_status', occupied: true });
    });

    it('reads free parking status', () => {
      expect(sut.decode(bytes('00'), 1)).toEqual({ message_type: 'parking_status', occupied: false });
    });

    it('reads heartbeat with negative temperature', () => {
      expect(sut.decode(bytes('00 f6'), 2)).toEqual({
        message_type: 'heartbeat',
        occupied: false,
        temperature: -10,
      });
    });

    it('reads heartbeat without temperature byte', () => {
      expect(sut.decode(bytes('01'), 2)).toEqual({ message_type: 'heartbeat', occupied: true });
    });

    it('reads start-up message', () => {
      const payload = bytes('24030000 75030000 00000000 001d02 03 01');

      expect(sut.decode(payload, 3)).toEqual({
        message_type: 'startup',
        debug_codes: [804, 885],
        firmware_version: '0.29.2',
        reset_cause: 'system_request',
        occupied: true,
      });
    });

    it('keeps 12 bits of each debug code', () => {
      const payload = bytes('99f20000 00000000 000000ff 001d02 02 00');

      expect(sut.decode(payload, 3).debug_codes).toEqual([0x299]);
    });

    // ThingsBoard's converter prints bytes 00 1d 02 as 2.29.0. The Device Repository example reads
    // them as 0.29.2, and Bosch's PLS interface descriptions are versioned 0.23.3 and 0.29.4.
    it('reads firmware bytes as major.minor.patch', () => {
      const payload = bytes('00000000 990200d1 00050000 001d02 02 00');

      expect(sut.decode(payload, 3).firmware_version).toBe('0.29.2');
    });

    it('rejects unknown fPort', () => {
      const error = rejectionOf(() => sut.decode(bytes('01'), 4));

      expectInvalidPayload(error, 4, 0);
      expect(error.message).toContain('supported: 1 parking status, 2 heartbeat, 3 start-up');
    });

    it('rejects parking status of two bytes', () => {
      const error = rejectionOf(() => sut.decode(bytes('01 00'), 1));

      expectInvalidPayload(error, 1, 1);
      expect(error.message).toContain('payload has 2 bytes, expected 1');
    });

    it('rejects empty heartbeat', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes(''), 2)),
        2,
        0,
      );
    });

    it('rejects heartbeat of three bytes', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('01 12 00'), 2)),
        2,
        2,
      );
    });

    it('rejects truncated start-up message', () => {
      const error = rejectionOf(() => sut.decode(bytes('00000000 00000000 00000000 001d02 02'), 3));

      expectInvalidPayload(error, 3, 16);
      expect(error.message).toContain('payload has 16 bytes, expected 17');
    });

    it('rejects undefined reset cause', () => {
      const error = rejectionOf(() => sut.decode(bytes('00000000 00000000 00000000 001d02 09 00'), 3));

      expectInvalidPayload(error, 3, 15);
      expect(error.message).toContain('reset cause 9 is not defined');
    });
  });
});
