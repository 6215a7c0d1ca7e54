import { acceptsGzip } from './accept-encoding';

describe(acceptsGzip.name, () => {
  it.each([
    [undefined, false],
    ['', false],
    ['gzip, deflate, br, zstd', true],
    ['gzip', true],
    ['br', false],
    ['br;q=1, gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['*', true],
    ['*;q=0', false],
    ['*;q=0, gzip', true],
    ['gzip;q=0, *', false],
    ['identity', false],
    ['GZIP ; Q=1', true],
    ['gzip;q=abc', false],
  ])('reads %p', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
