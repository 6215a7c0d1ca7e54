import { FixedClock } from '@stadtdaten/contracts';
import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, KeyEncryptionKey, Pseudonymizer, type TenantKeyRepository, TenantKeys } from '../src';

/** Behaviour every tenant key repository must show, run with TenantKeys on top. */
export function tenantKeysContract(name: string, open: () => Promise<TenantKeyRepository>): void {
  describe(name, () => {
    let repository: TenantKeyRepository;
    let keys: TenantKeys;
    const kek = KeyEncryptionKey.fromBytes(randomBytes(32));
    const tenant = `t${randomBytes(4).toString('hex')}`;
    const other = `u${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      repository = await open();
      keys = new TenantKeys(repository, kek, new FixedClock(Date.parse('2026-12-04T10:00:00Z')));
    });

    afterAll(() => keys.close());

    it('creates k1 once, also under concurrent first use', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => keys.activeKey(tenant, 'personal-data')));
      expect(new Set(results.map((result) => result.id))).toEqual(new Set(['k1']));
      expect(new Set(results.map((result) => result.key.toString('hex'))).size).toBe(1);
      expect((await repository.list(tenant)).filter((key) => key.purpose === 'personal-data')).toHaveLength(1);
    });

    it('stores keys wrapped, never in clear', async () => {
      const { key } = await keys.activeKey(tenant, 'pseudonym');
      const stored = await repository.find(tenant, 'pseudonym', 'k1');
      expect(stored!.wrapped.includes(key)).toBe(false);
      expect(stored!.wrapped.byteLength).toBe(12 + 32 + 16);
    });

    it('pseudonyms are stable per tenant and differ across tenants', async () => {
      const pseudonymizer = new Pseudonymizer(keys);
      const first = await pseudonymizer.pseudonym(tenant, 'jane.doe@example.org');
      expect(first).toMatch(/^psn_[A-Za-z0-9_-]{22}$/);
      expect(await pseudonymizer.pseudonym(tenant, 'jane.doe@example.org')).toBe(first);
      expect(await pseudonymizer.pseudonym(other, 'jane.doe@example.org')).not.toBe(first);
      expect(await pseudonymizer.pseudonym(tenant, 'john.doe@example.org')).not.toBe(first);
    });

    it('rotation keeps old envelopes readable', async () => {
      const cipher = new EnvelopeCipher(keys);
      const before = await cipher.encrypt(tenant, '42.5', 'ds-1|1000');
      const rotated = await keys.rotate(tenant, 'personal-data');
      const after = await cipher.encrypt(tenant, '43', 'ds-1|2000');
      expect(rotated).toBe('k2');
      expect(before.split('.')[1]).toBe('k1');
      expect(after.split('.')[1]).toBe('k2');
      expect(await cipher.decrypt(tenant, before, 'ds-1|1000')).toBe('42.5');
      expect(await cipher.decrypt(tenant, after, 'ds-1|2000')).toBe('43');
      const info = await keys.describe(tenant);
      expect(info.filter((key) => key.purpose === 'personal-data').map((key) => [key.id, key.active])).toEqual([
        ['k1', false],
        ['k2', true],
      ]);
    });

    it('an envelope moved to another context or tenant does not decrypt', async () => {
      const cipher = new EnvelopeCipher(keys);
      const envelope = await cipher.encrypt(tenant, 'secret', 'ds-1|1000');
      await expect(cipher.decrypt(tenant, envelope, 'ds-1|2000')).rejects.toThrow('does not decrypt');
      await expect(cipher.decrypt(other, envelope, 'ds-1|1000')).rejects.toThrow();
      const tampered = envelope.slice(0, -2) + (envelope.endsWith('A') ? 'BA' : 'AA');
      await expect(cipher.decrypt(tenant, tampered, 'ds-1|1000')).rejects.toThrow();
    });

    it('keeps a verification key inactive', async () => {
      const publicKey = randomBytes(32);

      expect(await keys.addVerificationKey(tenant, 'imported-kid', publicKey)).toBe(true);
      expect(await keys.addVerificationKey(tenant, 'imported-kid', randomBytes(32))).toBe(false);
      expect((await keys.key(tenant, 'verification', 'imported-kid')).equals(publicKey)).toBe(true);
      await expect(keys.activeKey(tenant, 'verification')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(keys.rotate(tenant, 'verification')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await keys.describe(tenant)).filter((key) => key.purpose === 'verification')).toEqual([expect.objectContaining({ id: 'imported-kid', active: false })]);
    });

    it('rewraps every key under new KEK', async () => {
      const pseudonym = await new Pseudonymizer(keys).pseudonym(tenant, 'jane.doe@example.org');
      const envelope = await new EnvelopeCipher(keys).encrypt(other, '17', 'ds-2|1000');
      const before = await repository.list();
      const next = KeyEncryptionKey.fromBytes(randomBytes(32));

      const count = await keys.rewrap(next);

      expect(count).toBe(before.length);
      const after = await repository.list();
      expect(after.map((key) => key.wrapped.equals(before.find((old) => old.id === key.id && old.tenant === key.tenant && old.purpose === key.purpose)!.wrapped))).not.toContain(true);
      const reopened = new TenantKeys(repository, next, new FixedClock(0));
      expect(await new Pseudonymizer(reopened).pseudonym(tenant, 'jane.doe@example.org')).toBe(pseudonym);
      expect(await new EnvelopeCipher(reopened).decrypt(other, envelope, 'ds-2|1000')).toBe('17');
      await expect(new TenantKeys(repository, kek, new FixedClock(0)).key(tenant, 'pseudonym', 'k1')).rejects.toThrow('cannot unwrap the tenant key');
    });

    it('a rewrap under the wrong current key-encryption key changes nothing', async () => {
      const before = await repository.list();
      const wrong = new TenantKeys(repository, KeyEncryptionKey.fromBytes(randomBytes(32)), new FixedClock(0));

      await expect(wrong.rewrap(KeyEncryptionKey.fromBytes(randomBytes(32)))).rejects.toThrow('cannot unwrap the tenant key');
      expect((await repository.list()).map((key) => key.wrapped.toString('hex'))).toEqual(before.map((key) => key.wrapped.toString('hex')));
    });

    it('another key-encryption key cannot unwrap the keys', async () => {
      const foreign = new TenantKeys(repository, KeyEncryptionKey.fromBytes(randomBytes(32)), new FixedClock(0));
      await expect(foreign.key(tenant, 'pseudonym', 'k1')).rejects.toThrow('cannot unwrap the tenant key');
    });
  });
}
