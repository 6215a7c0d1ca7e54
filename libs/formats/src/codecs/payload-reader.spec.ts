import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { PayloadReader, requireApplicationPort, requireLength } from './payload-reader';

function rejectionOf(action: () => unknown): RejectionError {
  try {
    action();
  } catch (error) {
    if (error instanceof RejectionError) {
      return error;
    }
    throw error;
  }
  throw new Error('the action returned instead of throwing a RejectionError');
}

describe(PayloadReader.name, () => {
  it('reads integers in both byte orders', () => {
    const sut = new PayloadReader(Uint8Array.from([0xff, 0xfe, 0xfe, 0xff, 0x80, 0x00, 0x01]), 'test', 1);

    expect(sut.int16be('a')).toBe(-2);
    expect(sut.int16le('b')).toBe(-2);
    expect(sut.int24be('c')).toBe(-8388607);
    expect(sut.done).toBe(true);
  });

  it('respects the byte offset of a view', () => {
    const buffer = Uint8Array.from([0xaa, 0x01, 0x02]);
    const sut = new PayloadReader(buffer.subarray(1), 'test', 1);

    expect(sut.uint16be('value')).toBe(0x0102);
  });

  it('reports the offset of a short read', () => {
    const sut = new PayloadReader(Uint8Array.from([0x01, 0x02, 0x03]), 'test', 7);
    sut.uint16be('first');

    const error = rejectionOf(() => sut.uint32le('second'));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.details).toEqual({ codec: 'test', fPort: 7, byteOffset: 2 });
    expect(error.message).toBe(
      'test codec: invalid payload on fPort 7 at byte 2: second needs 4 byte(s) but only 1 remain (payload length 3). ' +
        'Check that the device type uses the codec of this device model and that the device firmware sends this layout.',
    );
  });
});

describe('requireApplicationPort', () => {
  it.each([[1], [85], [223]])('accepts port %i', (fPort) => {
    expect(() => requireApplicationPort('test', fPort)).not.toThrow();
  });

  it.each([[0], [224], [1.5], [-1]])('rejects port %d', (fPort) => {
    expect(rejectionOf(() => requireApplicationPort('test', fPort)).details).toEqual({
      codec: 'test',
      fPort,
      byteOffset: 0,
    });
  });
});

describe('requireLength', () => {
  it('names every allowed length', () => {
    const error = rejectionOf(() => requireLength('test', 2, Uint8Array.from([1, 2, 3]), [1, 2]));

    expect(error.message).toContain('payload has 3 bytes, expected one of 1, 2');
    expect(error.details).toEqual({ codec: 'test', fPort: 2, byteOffset: 2 });
  });
});
