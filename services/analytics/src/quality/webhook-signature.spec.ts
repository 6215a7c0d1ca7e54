import { signatureHeader, verifySignature } from './webhook-signature';

const SECRET = 'a-secret-of-more-than-16-characters';

describe('signatureHeader', () => {
  it('signs the timestamp and body', () => {
    // printf '1700000000.{}' | openssl dgst -sha256 -hmac 'a-secret-of-more-than-16-characters'
    expect(signatureHeader(SECRET, '{}', 1_700_000_000)).toBe('t=1700000000,v1=09852838d52f666834b3888b76f7bad058c27ac0e207b41db5b272e9cf9116a6');
    expect(signatureHeader(SECRET, '{}', 1_700_000_000)).not.toBe(signatureHeader(SECRET, '{ }', 1_700_000_000));
  });
});

describe('verifySignature', () => {
  const header = signatureHeader(SECRET, '{"a":1}', 1_700_000_000);

  it('accepts the signed body', () => {
    expect(verifySignature(SECRET, '{"a":1}', header, 1_700_000_100)).toBe(true);
  });

  it('rejects a changed body', () => {
    expect(verifySignature(SECRET, '{"a":2}', header, 1_700_000_100)).toBe(false);
  });

  it('rejects an old timestamp', () => {
    expect(verifySignature(SECRET, '{"a":1}', header, 1_700_001_000)).toBe(false);
  });

  it('rejects a malformed header', () => {
    expect(verifySignature(SECRET, '{"a":1}', 'v1=abc', 1_700_000_000)).toBe(false);
  });
});
