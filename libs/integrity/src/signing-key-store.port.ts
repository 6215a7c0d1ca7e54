import type { Ed25519PublicJwk, JsonWebKeySet, PublishedJwk } from './ed25519-jwk';

/** A key that signs with Ed25519 under a key id. The private key stays inside the store. */
export interface SigningKey {
  readonly keyId: string;
  /** Returns the 64-byte Ed25519 signature of `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Keys that sign batch roots. One key is active and signs new batches. Rotation makes a new
 * key active and keeps the public parts of the earlier ones, so batches they signed still
 * verify against the published JWKS. Keys for personal data are not kept here.
 */
// TODO: add a production adapter for a key management service. Only the file adapter exists.
export abstract class SigningKeyStore {
  /** Returns the key new batches are signed with. */
  abstract activeKey(): Promise<SigningKey>;

  /** Creates a new key, makes it active and returns it. Earlier public keys stay published. */
  abstract rotate(): Promise<SigningKey>;

  /** Returns every public key that signed or signs batches, as a JWKS, verification keys included. */
  abstract jwks(): Promise<JsonWebKeySet<Ed25519PublicJwk>>;

  /**
   * Publishes public keys of another signer (the platform an import came from) for
   * verification only: they appear in `jwks()` but never sign, and rotation never makes one
   * active. Returns the key ids that were not published yet. Throws INVALID_PUBLIC_KEY for a
   * key that is not Ed25519 or whose `kid` is not the RFC 7638 thumbprint of the key.
   */
  abstract addVerificationKeys(keys: readonly PublishedJwk[]): Promise<string[]>;
}
