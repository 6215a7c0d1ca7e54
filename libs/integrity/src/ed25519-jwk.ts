import { type KeyObject, createHash, createPublicKey } from 'node:crypto';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';

/** A public Ed25519 key as a JWK (RFC 8037), in the form this library publishes. */
// A type alias, not an interface, so that it is assignable to PublishedJwk with its index signature.
export type Ed25519PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The 32-byte public key, base64url without padding. */
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
};

/** A key of a JWKS as read from outside: any key type, since a set may also hold other keys. */
export interface PublishedJwk {
  kty: string;
  kid?: string;
  crv?: string;
  x?: string;
  use?: string;
  alg?: string;
  [parameter: string]: unknown;
}

/** A JSON Web Key Set (RFC 7517 section 5). */
export interface JsonWebKeySet<Key extends PublishedJwk = PublishedJwk> {
  keys: Key[];
}

/** Computes the RFC 7638 thumbprint of an Ed25519 public key, used as its key id. */
export function ed25519Thumbprint(x: string): string {
  // RFC 7638 hashes the required members in lexicographic order with no whitespace.
  const members = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });

  return createHash('sha256').update(members).digest('base64url');
}

/** Converts a public Ed25519 KeyObject to the JWK this library publishes, with the key id as `kid`. */
export function toEd25519PublicJwk(publicKey: KeyObject, kid: string): Ed25519PublicJwk {
  const { x } = publicKey.export({ format: 'jwk' });
  if (publicKey.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') {
    throw new TypeError(`key ${kid} is a ${publicKey.asymmetricKeyType} key, not Ed25519`);
  }

  return { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA' };
}

/**
 * Returns a published key as the Ed25519 JWK this library publishes, or a reason string when
 * it is no Ed25519 signing key or its `kid` is not the RFC 7638 thumbprint of its `x`. Keys
 * taken from outside must pass this check, so a foreign key cannot take the id of another key.
 */
export function toVerificationJwk(jwk: PublishedJwk): Ed25519PublicJwk | string {
  const kid = String(jwk?.kid);
  const key = findEd25519PublicKey({ keys: [jwk] }, kid);
  if (typeof key === 'string') {
    return key;
  }
  const publicJwk = toEd25519PublicJwk(key, kid);
  if (ed25519Thumbprint(publicJwk.x) !== kid) {
    return `key "${kid}" is not named by its RFC 7638 thumbprint "${ed25519Thumbprint(publicJwk.x)}"`;
  }

  return publicJwk;
}

/** Checks every key with toVerificationJwk. Throws INVALID_PUBLIC_KEY naming the first key that fails. */
export function requireVerificationJwks(keys: readonly PublishedJwk[]): Ed25519PublicJwk[] {
  return keys.map((jwk) => {
    const checked = toVerificationJwk(jwk);
    if (typeof checked === 'string') {
      throw new IntegrityError(
        IntegrityErrorCode.INVALID_PUBLIC_KEY,
        `cannot publish a verification key: ${checked}`,
      );
    }

    return checked;
  });
}

/**
 * Finds the key `kid` in a JWKS and imports it for verification. Returns a reason string
 * instead of a key when the set has no such key or the key is not an Ed25519 signing key.
 */
export function findEd25519PublicKey(jwks: JsonWebKeySet, kid: string): KeyObject | string {
  const jwk = Array.isArray(jwks?.keys) ? jwks.keys.find((key) => key?.kid === kid) : undefined;
  if (!jwk) {
    return `the JWKS has no key with kid "${kid}"`;
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    return `key "${kid}" in the JWKS is not an OKP key on curve Ed25519`;
  }
  if ((jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'EdDSA')) {
    return `key "${kid}" in the JWKS is not published for EdDSA signatures (use "${jwk.use}", alg "${jwk.alg}")`;
  }
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  } catch (error) {
    return `key "${kid}" in the JWKS cannot be imported: ${(error as Error).message}`;
  }
}
