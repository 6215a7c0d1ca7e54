import { RejectionCode } from '@stadtdaten/contracts';
import { rejectionOf } from '../test/fixtures';
import { decoderFor, FORMAT_NAMES, formatForContentType } from './decoder.registry';

describe('decoderFor', () => {
  it.each(['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'sensor-community', 'loriot'])(
    'returns %s',
    (name) => {
      expect(decoderFor(name).name).toBe(name);
    },
  );

  it('lists the formats', () => {
    expect(FORMAT_NAMES).toEqual(['json', 'senml', 'ttn-v3', 'chirpstack-v4', 'sensor-community', 'loriot']);
  });

  it('rejects an unknown format', () => {
    const error = rejectionOf(() => decoderFor('cbor'));

    expect(error.code).toBe(RejectionCode.UNSUPPORTED_FORMAT);
    expect(error.message).toContain("'cbor'");
    expect(error.message).toContain('json, senml, ttn-v3, chirpstack-v4, sensor-community, loriot');
  });
});

describe('formatForContentType', () => {
  it.each([
    ['application/senml+json', 'senml'],
    ['Application/SenML+JSON; charset=utf-8', 'senml'],
    ['application/sensml+json', 'senml'],
    ['application/json', undefined],
    ['text/plain', undefined],
    ['', undefined],
  ])('maps %j', (contentType, expected) => {
    expect(formatForContentType(contentType)).toBe(expected);
  });
});
