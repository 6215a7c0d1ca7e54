import { derivedDeviceId, derivedField, derivedTypeId, isDerivedType } from './derived-ids';

describe('derivedDeviceId', () => {
  it('prefixes the source id', () => {
    expect(derivedDeviceId('rollup', 'demo-parking-carree')).toBe('rollup-demo-parking-carree');
  });

  it('shortens long ids to 128 characters', () => {
    const a = derivedDeviceId('rollup', 'x'.repeat(128));
    const b = derivedDeviceId('rollup', `${'x'.repeat(127)}y`);

    expect(a).toHaveLength(128);
    expect(a).not.toBe(b);
  });
});

describe('derivedTypeId', () => {
  it('names the job kind and source type', () => {
    expect(derivedTypeId('rollup', 'demo-parking-counter')).toBe('analytics-rollup-demo-parking-counter');
    expect(isDerivedType(derivedTypeId('air-quality-index'))).toBe(true);
  });

  it('keeps type ids within 63 characters', () => {
    expect(derivedTypeId('rollup', 'a'.repeat(63))).toHaveLength(63);
  });
});

describe('derivedField', () => {
  it('appends the suffix after a dot', () => {
    expect(derivedField('free_spaces', 'mean_1h')).toBe('free_spaces.mean_1h');
  });

  it('keeps fields within 64 characters', () => {
    expect(derivedField('f'.repeat(64), 'mean_1h')).toHaveLength(64);
  });
});
