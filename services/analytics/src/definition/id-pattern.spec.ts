import { IdPattern } from './id-pattern';

describe(IdPattern.name, () => {
  it('matches whole ids with * as wildcard', () => {
    const sut = new IdPattern(['demo-*', 'air.no2']);

    expect(sut.matches('demo-parking-carree.free_spaces')).toBe(true);
    expect(sut.matches('air.no2')).toBe(true);
    expect(sut.matches('airxno2')).toBe(false);
    expect(sut.matches('x-demo-1')).toBe(false);
  });

  it('matches nothing without patterns', () => {
    expect(new IdPattern([]).matches('a')).toBe(false);
  });
});
