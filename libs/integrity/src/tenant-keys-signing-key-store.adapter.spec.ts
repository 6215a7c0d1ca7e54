import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Clock } from '@stadtdaten/contracts';
import { KeyEncryptionKey, SqliteTenantKeyRepository, TenantKeys } from '@stadtdaten/keys';
import { makeTempDir } from '../test/fixtures';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';
import { TenantKeysSigningKeyStore } from './tenant-keys-signing-key-store.adapter';

describe(TenantKeysSigningKeyStore.name, () => {
  let keys: TenantKeys;
  let sut: TenantKeysSigningKeyStore;

  beforeEach(() => {
    const dir = makeTempDir('tenant-signing-keys');
    keys = new TenantKeys(
      new SqliteTenantKeyRepository(join(dir, 'tenant-keys.sqlite')),
      KeyEncryptionKey.fromBytes(randomBytes(32)),
      new Clock(),
    );
    sut = new TenantKeysSigningKeyStore(keys);
  });

  afterEach(() => keys.close());

  describe('addVerificationKeys', () => {
    it('publishes a foreign key that never signs', async () => {
      const [foreignKey] = (await (await FileSigningKeyStore.open(makeTempDir('foreign'))).jwks()).keys;

      expect(await sut.addVerificationKeys([foreignKey])).toEqual([foreignKey.kid]);
      expect((await sut.jwks()).keys).toContainEqual(foreignKey);
      expect((await sut.activeKey()).keyId).not.toBe(foreignKey.kid);
      expect((await sut.rotate()).keyId).not.toBe(foreignKey.kid);
      expect(await sut.addVerificationKeys([foreignKey])).toEqual([]);
    });

    it('skips a key it signs with', async () => {
      const [own] = (await sut.jwks()).keys;

      expect(await sut.addVerificationKeys([own])).toEqual([]);
      expect((await sut.jwks()).keys).toHaveLength(1);
    });

    it('rejects a key that is not Ed25519', async () => {
      await expect(
        sut.addVerificationKeys([{ kty: 'RSA', kid: 'rsa-1', n: 'AQAB', e: 'AQAB' }]),
      ).rejects.toMatchObject({ code: 'INVALID_PUBLIC_KEY' });
    });
  });
});
