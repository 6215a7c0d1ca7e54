import { RejectionCode } from '@stadtdaten/contracts';
import { rejectionOf } from '../test/fixtures';
import type { PayloadCodec } from './codecs/payload-codec';
import {
  type CodecLookup,
  decodeBase64,
  resolveUplinkFields,
  type UplinkContent,
} from './lorawan-uplink.resolver';

/** Codec that returns the bytes and FPort it was given, to show what reached it. */
class EchoCodec implements PayloadCodec {
  readonly name = 'echo';

  decode(bytes: Uint8Array, fPort: number): Record<string, unknown> {
    return { bytes: [...bytes], f_port: fPort };
  }
}

const lookupEcho: CodecLookup = (name) => {
  if (name !== 'echo') {
    throw new Error(`unexpected codec ${name}`);
  }

  return new EchoCodec();
};

function makeContent(overrides: Partial<UplinkContent> = {}): UplinkContent {
  return {
    format: 'ttn-v3',
    rawPayload: 'AQID',
    rawMember: 'uplink_message.frm_payload',
    fPort: 5,
    fPortMember: 'uplink_message.f_port',
    decodedObject: { level: 1 },
    decodedMember: 'uplink_message.decoded_payload',
    ...overrides,
  };
}

describe('resolveUplinkFields', () => {
  it('returns the decoded object without codec', () => {
    expect(resolveUplinkFields(makeContent(), undefined, lookupEcho)).toEqual({ level: 1 });
  });

  it('passes bytes and FPort to the codec', () => {
    expect(resolveUplinkFields(makeContent(), 'echo', lookupEcho)).toEqual({ bytes: [1, 2, 3], f_port: 5 });
  });

  it('rejects a missing decoded object', () => {
    const error = rejectionOf(() =>
      resolveUplinkFields(makeContent({ decodedObject: null }), undefined, lookupEcho),
    );

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain("no decoded payload ('uplink_message.decoded_payload')");
  });

  it.each([
    ['FPort 0', { fPort: 0 }],
    ['FPort 256', { fPort: 256 }],
    ['a text FPort', { fPort: '5' }],
  ])('rejects %s', (_label, overrides) => {
    const error = rejectionOf(() => resolveUplinkFields(makeContent(overrides), 'echo', lookupEcho));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain('uplink_message.f_port');
  });

  it('rejects empty codec output', () => {
    const error = rejectionOf(() =>
      resolveUplinkFields(makeContent(), 'empty', () => ({ name: 'empty', decode: () => ({}) })),
    );

    expect(error.message).toContain('codec empty contains no fields');
  });
});

describe('decodeBase64', () => {
  it.each([
    ['AQID', [1, 2, 3]],
    ['AQI=', [1, 2]],
    ['AQI', [1, 2]],
    ['AQ==', [1]],
    ['', []],
  ])('decodes %j', (text, bytes) => {
    expect([...decodeBase64(text, 'data', 'chirpstack-v4')]).toEqual(bytes);
  });

  it.each([['AQ-_'], ['A'], ['AQ=='.repeat(2)], [' AQID'], [12]])('rejects %j', (text) => {
    const error = rejectionOf(() => decodeBase64(text, 'data', 'chirpstack-v4'));

    expect(error.code).toBe(RejectionCode.INVALID_PAYLOAD);
    expect(error.message).toContain("'data'");
  });
});
