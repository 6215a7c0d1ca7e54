import { generateKeyPairSync, sign } from 'node:crypto';

function decodeSegment(segment: string): any {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Returns the claims of a real token, moved to another tenant, with the platform-admin role and a new lifetime of 5 minutes. */
function elevatedClaims(realToken: string, tenant: string): object {
  const claims = decodeSegment(realToken.split('.')[1]);
  const nowSeconds = Math.floor(Date.now() / 1000);

  return {
    ...claims,
    tenant,
    realm_access: { roles: ['platform-admin', 'tenant-admin', 'analyst'] },
    iat: nowSeconds,
    exp: nowSeconds + 300,
  };
}

/** Returns the token with one character in the middle of its signature changed. */
export function withAlteredSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const middle = Math.floor(signature.length / 2);
  const replaced = signature[middle] === 'A' ? 'B' : 'A';

  return `${header}.${payload}.${signature.slice(0, middle)}${replaced}${signature.slice(middle + 1)}`;
}

/**
 * Builds a token with the issuer, audience and key id of a real one, but for another tenant and
 * with the platform-admin role. A key generated here signs it (RS256), so the identity provider
 * never saw that key.
 */
export function signedWithForeignKey(realToken: string, tenant: string): string {
  const { kid } = decodeSegment(realToken.split('.')[0]);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingInput = `${encodeSegment({ alg: 'RS256', typ: 'JWT', kid })}.${encodeSegment(elevatedClaims(realToken, tenant))}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');

  return `${signingInput}.${signature}`;
}

/** Builds a token with the claims of `signedWithForeignKey` and no signature (`alg: none`). */
export function unsigned(realToken: string, tenant: string): string {
  return `${encodeSegment({ alg: 'none', typ: 'JWT' })}.${encodeSegment(elevatedClaims(realToken, tenant))}.`;
}
