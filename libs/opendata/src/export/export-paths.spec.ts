import { join, resolve } from 'node:path';
import { OpenDataErrorCode } from '../opendata.errors';
import { fileNameOf, resolveInside } from './export-paths';

describe('fileNameOf', () => {
  it.each([
    ['sds011-15092.P2', 'sds011-15092.P2'],
    ['eui-70b3d57ed0001234.air.temperature', 'eui-70b3d57ed0001234.air.temperature'],
    ['urn:dev:ow:10e2073a01080063.temp', 'urn%3Adev%3Aow%3A10e2073a01080063.temp'],
    ['../../etc/passwd', '%2E.%2F..%2Fetc%2Fpasswd'],
    ['..', '%2E.'],
    ['.hidden', '%2Ehidden'],
    ['a/b\\c', 'a%2Fb%5Cc'],
    ['100%', '100%25'],
    ['Füllstand', 'F%C3%BCllstand'],
    ['', '%00'],
  ])('encodes %j', (id, expected) => {
    expect(fileNameOf(id)).toBe(expected);
  });

  it('keeps different ids apart', () => {
    const ids = ['a:b', 'a%3Ab', 'a_b', 'a-b', 'a.b'];

    expect(new Set(ids.map(fileNameOf)).size).toBe(ids.length);
  });
});

describe('resolveInside', () => {
  const root = resolve('/tmp/export-root');

  it('resolves a path below the root', () => {
    expect(resolveInside(root, 'observations/a.parquet')).toBe(join(root, 'observations', 'a.parquet'));
  });

  it.each(['../outside.json', 'observations/../../outside', '/etc/passwd', '', '.', 'a/\0b'])('rejects %j', (path) => {
    expect(() => resolveInside(root, path)).toThrow(expect.objectContaining({ code: OpenDataErrorCode.INVALID_EXPORT }));
  });
});
