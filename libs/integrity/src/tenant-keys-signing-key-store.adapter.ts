import { type KeyObject, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { TenantKeys } from '@stadtdaten/keys';
import {
  type Ed25519PublicJwk,
  type JsonWebKeySet,
  type PublishedJwk,
  ed25519Thumbprint,
  requireVerificationJwks,
  toEd25519PublicJwk,
} from './ed25519-jwk';
import { type SigningKey, SigningKeyStore } from './signing-key-store.port';

/** Owner of the platform's own keys in the tenant key store; no tenant id can start with "_". */
export const PLATFORM_KEY_OWNER = '_platform';

// DER prefix of a PKCS #8 Ed25519 private key (RFC 8410 section 7); the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Signing keys kept in the tenant key store (SQLite in embedded mode, PostgreSQL in
 * production) under the key-encryption key, so every validator replica signs with the same
 * active key and every query API publishes the same JWKS. Each key is a 32-byte Ed25519 seed;
 * its key id is the RFC 7638 thumbprint of the public key. Verification keys are stored as
 * the 32-byte public key under purpose `verification`, with the key id as their id.
 */
export class TenantKeysSigningKeyStore extends SigningKeyStore {
  private readonly keyObjects = new Map<string, { privateKey: KeyObject; jwk: Ed25519PublicJwk }>();

  constructor(private readonly keys: TenantKeys) {
    super();
  }

  async activeKey(): Promise<SigningKey> {
    const { id, key } = await this.keys.activeKey(PLATFORM_KEY_OWNER, 'signing');

    return this.signingKey(id, key);
  }

  async rotate(): Promise<SigningKey> {
    const id = await this.keys.rotate(PLATFORM_KEY_OWNER, 'signing');

    return this.signingKey(id, await this.keys.key(PLATFORM_KEY_OWNER, 'signing', id));
  }

  async jwks(): Promise<JsonWebKeySet<Ed25519PublicJwk>> {
    await this.keys.activeKey(PLATFORM_KEY_OWNER, 'signing');
    const stored = await this.keys.describe(PLATFORM_KEY_OWNER);
    const jwks: Ed25519PublicJwk[] = [];
    for (const info of stored.filter((entry) => entry.purpose === 'signing')) {
      jwks.push(this.material(info.id, await this.keys.key(PLATFORM_KEY_OWNER, 'signing', info.id)).jwk);
    }
    for (const info of stored.filter((entry) => entry.purpose === 'verification')) {
      const x = (await this.keys.key(PLATFORM_KEY_OWNER, 'verification', info.id)).toString('base64url');
      jwks.push({ kty: 'OKP', crv: 'Ed25519', x, kid: info.id, use: 'sig', alg: 'EdDSA' });
    }

    return { keys: jwks };
  }

  async addVerificationKeys(keys: readonly PublishedJwk[]): Promise<string[]> {
    const checked = requireVerificationJwks(keys);
    const published = new Set((await this.jwks()).keys.map((key) => key.kid));
    const added: string[] = [];
    for (const jwk of checked) {
      if (published.has(jwk.kid)) {
        continue;
      }
      if (await this.keys.addVerificationKey(PLATFORM_KEY_OWNER, jwk.kid, Buffer.from(jwk.x, 'base64url'))) {
        added.push(jwk.kid);
      }
      published.add(jwk.kid);
    }

    return added;
  }

  private signingKey(id: string, seed: Buffer): SigningKey {
    const { privateKey, jwk } = this.material(id, seed);

    return {
      keyId: jwk.kid,
      sign: async (data) => new Uint8Array(sign(null, data, privateKey)),
    };
  }

  private material(id: string, seed: Buffer): { privateKey: KeyObject; jwk: Ed25519PublicJwk } {
    let entry = this.keyObjects.get(id);
    if (entry === undefined) {
      const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey(privateKey);
      const { x } = publicKey.export({ format: 'jwk' });
      entry = { privateKey, jwk: toEd25519PublicJwk(publicKey, ed25519Thumbprint(x as string)) };
      this.keyObjects.set(id, entry);
    }

    return entry;
  }
}
