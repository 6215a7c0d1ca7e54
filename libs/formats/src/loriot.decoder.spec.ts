import { RejectionCode } from '@stadtdaten/contracts';
import { jsonBytes, makeDecodeContext, rejectionOf, textBytes } from '../test/fixtures';
import { codecFor } from './codecs/codec-registry';
import { decoderFor } from './decoder.registry';
import { LoriotDecoder } from './loriot.decoder';

/**
 * Returns an `rx` message in the layout of the LORIOT uplink data message, with the Cayenne LPP
 * bytes of 23.5 °C on channel 1.
 */
function makeRxMessage(overrides: Record<string, unknown> = {}) {
  return {
    cmd: 'rx',
    EUI: '70B3D57ED0000001',
    ts: 1714564740123,
    ack: false,
    bat: 254,
    fcnt: 17,
    port: 1,
    data: '016700EB',
    ...overrides,
  };
}

describe(LoriotDecoder.name, () => {
  const sut = new LoriotDecoder(codecFor);
  const ctx = makeDecodeContext({ deviceId: 'loriot-device', codec: 'cayenne-lpp' });

  it('decodes hex data with the codec', () => {
    const { readings, rejections } = sut.decode(jsonBytes(makeRxMessage()), ctx);

    expect(rejections).toEqual([]);
    expect(readings).toEqual([
      {
        deviceId: 'loriot-device',
        field: 'temperature_1',
        value: 23.5,
        timeMs: 1714564740123,
        entryIndex: 0,
      },
    ]);
  });

  it('decodes a gw message', () => {
    const message = makeRxMessage({
      cmd: 'gw',
      data: '0100e20229',
      freq: 868500000,
      dr: 'SF12 BW125 4/5',
      gws: [{ rssi: -130, snr: 1.2, ts: 1714564740100, gweui: '0000024B0805026F' }],
    });
    const { readings } = sut.decode(jsonBytes(message), { ...ctx, codec: 'elsys' });

    expect(readings.map((reading) => [reading.field, reading.value])).toEqual([
      ['temperature', 22.6],
      ['humidity', 41],
    ]);
  });

  it('reads upper-case hex', () => {
    const { readings } = sut.decode(jsonBytes(makeRxMessage({ data: '016700eb' })), ctx);

    expect(readings[0].value).toBe(23.5);
  });

  it('uses the receive time without ts', () => {
    const { readings } = sut.decode(jsonBytes(makeRxMessage({ ts: undefined })), ctx);

    expect(readings[0].timeMs).toBe(ctx.receivedAtMs);
  });

  it('rejects a ts after the current time', () => {
    const error = rejectionOf(() => sut.decode(jsonBytes(makeRxMessage({ ts: ctx.nowMs + 3_600_000 })), ctx));

    expect(error.code).toBe(RejectionCode.FUTURE_TIMESTAMP);
  });

  it.each([
    ['a downlink confirmation', { cmd: 'txd' }, 'cmd "txd"'],
    ['encrypted data', { data: undefined, encdata: '9a0c11f4' }, 'AppSKey'],
    ['data that is not hex', { data: 'AWcA6w==' }, 'hex text'],
    ['an odd number of hex digits', { data: '016700E' }, 'hex text'],
    ['missing data', { data: undefined }, "no 'data'"],
    ['port 0', { port: 0 }, 'FPort 0'],
  ])('rejects %s', (_label, overrides, text) => {
    const error = rejectionOf(() => sut.decode(jsonBytes(makeRxMessage(overrides)), ctx));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain(text);
  });

  it('rejects an uplink without codec', () => {
    const error = rejectionOf(() => sut.decode(jsonBytes(makeRxMessage()), { ...ctx, codec: undefined }));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain('`codec` in the device type');
  });

  it('rejects an unknown codec', () => {
    const error = rejectionOf(() => sut.decode(jsonBytes(makeRxMessage()), { ...ctx, codec: 'acme' }));

    expect(error.code).toBe(RejectionCode.UNSUPPORTED_FORMAT);
  });

  it('rejects malformed JSON', () => {
    expect(rejectionOf(() => sut.decode(textBytes('{"cmd":"rx"'), ctx)).code).toBe(
      RejectionCode.MALFORMED_PAYLOAD,
    );
  });

  it('is registered', () => {
    expect(decoderFor('loriot')).toBeInstanceOf(LoriotDecoder);
  });
});
