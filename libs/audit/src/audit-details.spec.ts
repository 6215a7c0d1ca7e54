import { ErrorCode } from '@stadtdaten/contracts';

import { MAX_DETAILS_BYTES, canonicalDetails } from './audit-details';

function captureError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe(canonicalDetails.name, () => {
  it('sorts keys at every level', () => {
    const json = canonicalDetails({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } });

    expect(json).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('orders keys by UTF-16 code unit', () => {
    const json = canonicalDetails({ b: 1, B: 2, ä: 3, a: 4, 'a-1': 5 });

    expect(Object.keys(JSON.parse(json))).toEqual(['B', 'a', 'a-1', 'b', 'ä']);
  });

  it('encodes numbers as JSON.stringify does', () => {
    const json = canonicalDetails({ a: -0, b: 1e21, c: 0.1, d: 1_735_689_600_000 });

    expect(json).toBe('{"a":0,"b":1e+21,"c":0.1,"d":1735689600000}');
  });

  it('leaves out undefined values', () => {
    expect(canonicalDetails({ kept: 1, dropped: undefined })).toBe('{"kept":1}');
  });

  it('accepts empty details', () => {
    expect(canonicalDetails({})).toBe('{}');
  });

  const secretKeys = [
    'password',
    'accessToken',
    'refresh_token',
    'X-Api-Key',
    'clientSecret',
    'privateKey',
    'Authorization',
    'cookie',
    'session_id',
    'jwt',
    'credentials',
    'passphrase',
  ];

  it.each(secretKeys)('rejects secret key %s', (key) => {
    expect(() => canonicalDetails({ [key]: 'x' })).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, details: { field: `details.${key}` } }),
    );
  });

  it('rejects a nested secret key', () => {
    expect(() => canonicalDetails({ request: { headers: [{ bearerToken: 'x' }] } })).toThrow(
      expect.objectContaining({ details: { field: 'details.request.headers[0].bearerToken' } }),
    );
  });

  it('does not echo the secret', () => {
    const error = captureError(() => canonicalDetails({ password: 'hunter2' }));

    expect(error.message).toContain('"password"');
    expect(error.message).not.toContain('hunter2');
  });

  const personKeys = [
    'email',
    'eMail',
    'phoneNumber',
    'ip',
    'ipAddress',
    'ownerId',
    'lastName',
    'dateOfBirth',
    'iban',
  ];

  it.each(personKeys)('rejects person key %s', (key) => {
    expect(() => canonicalDetails({ [key]: 'x' })).toThrow(/named like a person identifier/);
  });

  const allowedKeys = ['keyId', 'publicKey', 'ownerPseudonym', 'rows', 'datastreamId', 'format'];

  it.each(allowedKeys)('accepts key %s', (key) => {
    expect(canonicalDetails({ [key]: 'v' })).toBe(`{"${key}":"v"}`);
  });

  it('rejects a JSON Web Token value', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

    const error = captureError(() => canonicalDetails({ note: `sent ${token}` }));

    expect(error.message).toContain('details.note contains a JSON Web Token');
    expect(error.message).not.toContain(token);
  });

  it('rejects an e-mail address value', () => {
    expect(() => canonicalDetails({ note: 'requested by alice@example.org' })).toThrow(
      /contains an e-mail address/,
    );
  });

  const invalidValues: Array<[name: string, details: unknown, field: string]> = [
    ['array', [1], 'details'],
    ['null', null, 'details'],
    ['string', 'text', 'details'],
    ['Date value', { at: new Date(0) }, 'details.at'],
    ['NaN', { n: Number.NaN }, 'details.n'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'details.n'],
    ['bigint', { n: 1n }, 'details.n'],
    ['function', { f: () => 1 }, 'details.f'],
    ['undefined in an array', { list: [undefined] }, 'details.list[0]'],
    ['NUL character', { s: 'a\u0000b' }, 'details.s'],
    ['lone surrogate', { s: '\ud800' }, 'details.s'],
    ['empty key', { '': 1 }, 'details.'],
    ['control character in a key', { 'a\nb': 1 }, 'details.a\nb'],
  ];

  it.each(invalidValues)('rejects %s', (_name, details, field) => {
    expect(() => canonicalDetails(details)).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, details: { field } }),
    );
  });

  it('accepts four nested levels', () => {
    expect(() => canonicalDetails({ a: { b: { c: { d: { e: 1 } } } }, l: [[[[1]]]] })).not.toThrow();
  });

  it('rejects five nested levels', () => {
    expect(() => canonicalDetails({ a: { b: { c: { d: { e: { f: 1 } } } } } })).toThrow(
      expect.objectContaining({ details: { field: 'details.a.b.c.d.e' } }),
    );
  });

  it('rejects details above the size limit', () => {
    const text = 'x'.repeat(MAX_DETAILS_BYTES);

    expect(() => canonicalDetails({ text })).toThrow(/above the maximum 4096/);
  });

  it('counts the size in UTF-8 bytes', () => {
    // 1,500 characters of two bytes each plus 12 bytes of JSON: about 3 KB, within the limit.
    expect(() => canonicalDetails({ text: 'ä'.repeat(1_500) })).not.toThrow();
    expect(() => canonicalDetails({ text: 'ä'.repeat(2_100) })).toThrow(/above the maximum/);
  });
});
