import { RejectionCode, RejectionError } from '@stadtdaten/contracts';

import { CODEC_NAMES, codecFor } from './codec-registry';

describe('codecFor', () => {
  it('lists every requested model', () => {
    expect([...CODEC_NAMES].sort()).toEqual([
      'bosch-parking',
      'cayenne-lpp',
      'decentlab-dl-pm',
      'elsys',
      'milesight-em310-udl',
      'milesight-em500-pt100',
      'milesight-vs133',
      'nwave-car-counter',
      'nwave-parking',
    ]);
  });

  it.each(CODEC_NAMES.map((name) => [name]))('returns codec named %s', (name) => {
    expect(codecFor(name).name).toBe(name);
  });

  it('returns the same instance twice', () => {
    expect(codecFor('elsys')).toBe(codecFor('elsys'));
  });

  it('rejects unknown codec name', () => {
    let error: unknown;
    try {
      codecFor('milesight-em300');
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(RejectionError);
    expect((error as RejectionError).code).toBe(RejectionCode.UNSUPPORTED_FORMAT);
    expect((error as RejectionError).message).toContain('Unknown payload codec "milesight-em300"');
    expect((error as RejectionError).message).toContain(CODEC_NAMES.join(', '));
    expect((error as RejectionError).details).toEqual({ codec: 'milesight-em300', knownCodecs: CODEC_NAMES });
  });
});
