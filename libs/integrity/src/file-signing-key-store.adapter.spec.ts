import { createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@stadtdaten/contracts';
import { calculateJwkThumbprint } from 'jose';
import { makeTempDir } from '../test/fixtures';
import { KEYRING_FILE, FileSigningKeyStore } from './file-signing-key-store.adapter';
import { findEd25519PublicKey } from './ed25519-jwk';

function privateKeyFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.private.jwk.json'));
}

describe(FileSigningKeyStore.name, () => {
  let dir: string;
  let clock: FixedClock;
  let sut: FileSigningKeyStore;

  beforeEach(async () => {
    dir = join(makeTempDir('keys'), 'integrity');
    clock = new FixedClock(1_733_310_000_000);
    sut = await FileSigningKeyStore.open(dir, clock);
  });

  describe('open', () => {
    it('creates the directory with mode 0700', () => {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    });

    it('stores the private key with mode 0600', async () => {
      const { keyId } = await sut.activeKey();

      expect(privateKeyFiles(dir)).toEqual([`${keyId}.private.jwk.json`]);
      expect(statSync(join(dir, `${keyId}.private.jwk.json`)).mode & 0o777).toBe(0o600);
    });

    it('keeps the active key after reopening', async () => {
      const reopened = await FileSigningKeyStore.open(dir, clock);

      expect((await reopened.activeKey()).keyId).toBe((await sut.activeKey()).keyId);
    });

    it('keeps one key when two stores open a new directory', async () => {
      const shared = join(makeTempDir('race'), 'integrity');
      const [first, second] = await Promise.all([
        FileSigningKeyStore.open(shared),
        FileSigningKeyStore.open(shared),
      ]);

      expect((await first.activeKey()).keyId).toBe((await second.activeKey()).keyId);
      expect(privateKeyFiles(shared)).toHaveLength(1);
      expect(readdirSync(shared).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });

    it('rejects a keyring that is not JSON', async () => {
      writeFileSync(join(dir, KEYRING_FILE), '{');

      await expect(FileSigningKeyStore.open(dir)).rejects.toMatchObject({ code: 'INVALID_KEY_STORE' });
    });

    it('rejects a keyring without its active key', async () => {
      writeFileSync(join(dir, KEYRING_FILE), JSON.stringify({ activeKeyId: 'gone', keys: [] }));

      await expect(FileSigningKeyStore.open(dir)).rejects.toThrow('does not list its active key');
    });
  });

  describe('jwks', () => {
    it('publishes Ed25519 keys for EdDSA signatures', async () => {
      const { keyId } = await sut.activeKey();
      const jwks = await sut.jwks();

      expect(jwks.keys).toEqual([
        { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: keyId, use: 'sig', alg: 'EdDSA' },
      ]);
    });

    it('uses the RFC 7638 thumbprint as kid', async () => {
      const [jwk] = (await sut.jwks()).keys;

      await expect(calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x })).resolves.toBe(jwk.kid);
    });

    it('publishes no private key member', async () => {
      const [jwk] = (await sut.jwks()).keys;

      expect(jwk).not.toHaveProperty('d');
    });
  });

  describe('addVerificationKeys', () => {
    let foreignKey: Awaited<ReturnType<FileSigningKeyStore['jwks']>>['keys'][number];

    beforeEach(async () => {
      const foreign = await FileSigningKeyStore.open(join(makeTempDir('foreign-keys'), 'integrity'), clock);
      [foreignKey] = (await foreign.jwks()).keys;
    });

    it('publishes the key without making it active', async () => {
      const added = await sut.addVerificationKeys([foreignKey]);

      expect(added).toEqual([foreignKey.kid]);
      expect((await sut.jwks()).keys).toContainEqual(foreignKey);
      expect((await sut.activeKey()).keyId).not.toBe(foreignKey.kid);
      expect(privateKeyFiles(dir)).not.toContain(`${foreignKey.kid}.private.jwk.json`);
    });

    it('keeps the key published and inactive through a rotation', async () => {
      await sut.addVerificationKeys([foreignKey]);

      const rotated = await sut.rotate();

      expect(rotated.keyId).not.toBe(foreignKey.kid);
      expect((await FileSigningKeyStore.open(dir, clock).then((store) => store.activeKey())).keyId).toBe(
        rotated.keyId,
      );
      expect((await sut.jwks()).keys.map((key) => key.kid)).toContain(foreignKey.kid);
    });

    it('adds a key once', async () => {
      await sut.addVerificationKeys([foreignKey]);

      expect(await sut.addVerificationKeys([foreignKey])).toEqual([]);
      expect((await sut.jwks()).keys.filter((key) => key.kid === foreignKey.kid)).toHaveLength(1);
    });

    it('rejects a key whose kid is not its thumbprint', async () => {
      await expect(
        sut.addVerificationKeys([{ ...foreignKey, kid: (await sut.activeKey()).keyId }]),
      ).rejects.toMatchObject({ code: 'INVALID_PUBLIC_KEY' });
    });

    it('rejects a keyring that names a verification key as active', async () => {
      await sut.addVerificationKeys([foreignKey]);
      const keyring = JSON.parse(readFileSync(join(dir, KEYRING_FILE), 'utf8'));
      writeFileSync(join(dir, KEYRING_FILE), JSON.stringify({ ...keyring, activeKeyId: foreignKey.kid }));

      await expect(sut.activeKey()).rejects.toMatchObject({ code: 'INVALID_KEY_STORE' });
    });
  });

  describe('activeKey', () => {
    it('signs data the published key verifies', async () => {
      const key = await sut.activeKey();
      const data = Buffer.from('statement');
      const publicKey = findEd25519PublicKey(await sut.jwks(), key.keyId);

      expect(typeof publicKey).not.toBe('string');
      expect(verify(null, data, publicKey as ReturnType<typeof createPublicKey>, await key.sign(data))).toBe(
        true,
      );
    });

    it('fails when the private key file is gone', async () => {
      const { keyId } = await sut.activeKey();
      rmSync(join(dir, `${keyId}.private.jwk.json`));
      const reopened = await FileSigningKeyStore.open(dir);

      await expect(reopened.activeKey()).rejects.toMatchObject({ code: 'SIGNING_KEY_MISSING' });
    });

    it('fails when the private key file is not a JWK', async () => {
      const { keyId } = await sut.activeKey();
      writeFileSync(join(dir, `${keyId}.private.jwk.json`), '{"kty":"OKP"}');
      const reopened = await FileSigningKeyStore.open(dir);

      await expect(reopened.activeKey()).rejects.toThrow('is not a private Ed25519 JWK');
    });
  });

  describe('rotate', () => {
    it('makes a new key active', async () => {
      const before = await sut.activeKey();
      const rotated = await sut.rotate();

      expect(rotated.keyId).not.toBe(before.keyId);
      expect((await sut.activeKey()).keyId).toBe(rotated.keyId);
    });

    it('keeps the old public key', async () => {
      const before = await sut.activeKey();
      const rotated = await sut.rotate();

      expect((await sut.jwks()).keys.map((key) => key.kid)).toEqual([before.keyId, rotated.keyId]);
    });

    it('deletes the old private key', async () => {
      const before = await sut.activeKey();
      const rotated = await sut.rotate();

      expect(existsSync(join(dir, `${before.keyId}.private.jwk.json`))).toBe(false);
      expect(privateKeyFiles(dir)).toEqual([`${rotated.keyId}.private.jwk.json`]);
    });

    it('records when the old key retired', async () => {
      const before = await sut.activeKey();
      clock.set(1_733_320_000_000);
      await sut.rotate();
      const keyring = JSON.parse(readFileSync(join(dir, KEYRING_FILE), 'utf8')) as {
        keys: { publicJwk: { kid: string }; createdAtMs: number; retiredAtMs?: number }[];
      };

      expect(keyring.keys[0]).toMatchObject({
        publicJwk: { kid: before.keyId },
        createdAtMs: 1_733_310_000_000,
        retiredAtMs: 1_733_320_000_000,
      });
      expect(keyring.keys[1].retiredAtMs).toBeUndefined();
    });

    it('serialises concurrent rotations', async () => {
      const rotated = await Promise.all([sut.rotate(), sut.rotate(), sut.rotate()]);
      const jwks = await sut.jwks();

      expect(jwks.keys).toHaveLength(4);
      expect((await sut.activeKey()).keyId).toBe(rotated[2].keyId);
      expect(privateKeyFiles(dir)).toHaveLength(1);
    });

    it('takes effect in another store on the same directory', async () => {
      const other = await FileSigningKeyStore.open(dir);
      const rotated = await sut.rotate();

      expect((await other.activeKey()).keyId).toBe(rotated.keyId);
    });
  });
});
