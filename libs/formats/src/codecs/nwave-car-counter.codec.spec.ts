import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { NwaveCarCounterCodec } from './nwave-car-counter.codec';

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
  expect(error.details).toEqual({ codec: 'nwave-car-counter', fPort, byteOffset });
  expect(error.message).toContain(
    `nwave-car-counter codec: invalid payload on fPort ${fPort} at byte ${byteOffset}`,
  );
}

describe(NwaveCarCounterCodec.name, () => {
  const sut = new NwaveCarCounterCodec();

  describe('decode', () => {
    it('reads counter update', () => {
      expect(sut.decode(bytes('06 aa'), 1)).toEqual({ message_type: 'counter_update', counter: 1706 });
    });

    // Nwave's car counter page: error mask in bits 4..0 of byte 0, Vbat = 2400 + 5·value mV.
    it('reads heartbeat per Nwave formula', () => {
      expect(sut.decode(bytes('a8 66 61'), 2)).toEqual({
        message_type: 'heartbeat',
        hw_health_status: 8,
        battery_voltage: expect.closeTo(2.91, 9),
        battery_voltage_mean_24h: expect.closeTo(2.885, 9),
      });
    });

    it('ignores reserved heartbeat bits', () => {
      expect(sut.decode(bytes('e0 00 ff'), 2)).toEqual({
        message_type: 'heartbeat',
        hw_health_status: 0,
        battery_voltage: expect.closeTo(2.4, 9),
        battery_voltage_mean_24h: expect.closeTo(3.675, 9),
      });
    });

    it('reads start-up example', () => {
      expect(sut.decode(bytes('01 0d 00 02'), 3)).toEqual({
        message_type: 'startup',
        firmware_version: '1.13.0',
        reset_cause: 'power_on',
      });
    });

    it('reads rejoin start-up', () => {
      expect(sut.decode(bytes('01 0d 00 00'), 3).reset_cause).toBe('rejoining_lorawan_network');
    });

    it('rejects unknown fPort', () => {
      const error = rejectionOf(() => sut.decode(bytes('06 aa'), 6));

      expectInvalidPayload(error, 6, 0);
      expect(error.message).toContain('supported: 1 counter update, 2 heartbeat, 3 start-up');
    });

    it('rejects parking sensor heartbeat', () => {
      const error = rejectionOf(() => sut.decode(bytes('00 d3 d8 00 59 0b'), 2));

      expectInvalidPayload(error, 2, 3);
      expect(error.message).toContain('payload has 6 bytes, expected 3');
    });

    it('rejects short counter update', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('06'), 1)),
        1,
        1,
      );
    });

    it('rejects unassigned reset cause', () => {
      expectInvalidPayload(
        rejectionOf(() => sut.decode(bytes('01 0d 00 05'), 3)),
        3,
        3,
      );
    });
  });
});
