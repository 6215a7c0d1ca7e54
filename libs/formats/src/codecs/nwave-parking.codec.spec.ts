import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { NwaveParkingCodec } from './nwave-parking.codec';

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
  expect(error.details).toEqual({ codec: 'nwave-parking', fPort, byteOffset });
  expect(error.message).toContain(
    `nwave-parking codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(NwaveParkingCodec.name, () => {
  const sut = new NwaveParkingCodec();

  describe('decode', () => {
    it('reads occupied status with short duration', () => {
      // 0x95: bit 0 = occupied, bits 7..1 = 74 (Nwave's codec example).
      expect(sut.decode(bytes('95'), 1)).toEqual({
        message_type: 'parking_status',
        occupied: true,
        previous_state_duration: 74,
        previous_state_duration_overflow: false,
      });
    });

    it('expands 5-minute duration steps', () => {
      // Code 100 → 90 + 10·5.
      expect(sut.decode(bytes('c8'), 1).previous_state_duration).toBe(140);
    });

    it('expands hour duration steps', () => {
      // Code 126 → 240 + 6·60.
      expect(sut.decode(bytes('fc'), 1).previous_state_duration).toBe(600);
    });

    it('flags duration overflow', () => {
      expect(sut.decode(bytes('fe'), 1)).toEqual({
        message_type: 'parking_status',
        occupied: false,
        previous_state_duration: 660,
        previous_state_duration_overflow: true,
      });
    });

    it('reads heartbeat example', () => {
      const decoded = sut.decode(bytes('00 d3 d8 00 59 0b'), 2);

      expect(decoded).toEqual({
        message_type: 'heartbeat',
        occupied: false,
        hw_health_status: 0,
        battery_voltage: expect.closeTo(3.344, 9),
        temperature: -10,
      });
    });

    it('reads occupancy bit of heartbeat', () => {
      const decoded = sut.decode(bytes('05 d3 30 00 00 00'), 2);

      expect(decoded.occupied).toBe(true);
      expect(decoded.hw_health_status).toBe(2);
      expect(decoded.temperature).toBe(34);
    });

    it('reads start-up example', () => {
      expect(sut.decode(bytes('02 04 09 02 00'), 3)).toEqual({
        message_type: 'startup',
        firmware_version: '2.4.9',
        reset_cause: 'power_on',
        occupied: false,
      });
    });

    it('rejects unknown fPort', () => {
      const error = rejectionOf(() => sut.decode(bytes('01'), 10));

      expectInvalidPayload(error, 10, 0);
      expect(error.message).toContain('supported: 1 parking status, 2 heartbeat, 3 start-up');
    });

    it('rejects car counter heartbeat', () => {
      const error = rejectionOf(() => sut.decode(bytes('a8 66 61'), 2));

      expectInvalidPayload(error, 2, 3);
      expect(error.message).toContain('payload has 3 bytes, expected 6');
    });

    it('rejects long parking status', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('95 00'), 1)),
        1,
        1,
      );
    });

    it('rejects unassigned reset cause', () => {
      const error = rejectionOf(() => sut.decode(bytes('02 04 09 04 00'), 3));

      expectInvalidPayload(error, 3, 3);
      expect(error.message).toContain('reset cause 4 is not defined');
    });
  });
});
