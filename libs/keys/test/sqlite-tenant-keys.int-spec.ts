import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyEncryptionKey, SqliteTenantKeyRepository } from '../src';
import { tenantKeysContract } from './tenant-keys.contract';

const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

tenantKeysContract('SqliteTenantKeyRepository', async () => new SqliteTenantKeyRepository(join(dir, 'keys', 'tenant-keys.sqlite')));

describe('KeyEncryptionKey file', () => {
  it('is created once with mode 0600 and read back', () => {
    const path = join(dir, 'kek', 'kek.key');
    const first = KeyEncryptionKey.openOrCreate(path);
    const second = KeyEncryptionKey.openOrCreate(path);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const wrapped = first.kek.wrap(Buffer.from('abc'), 'ctx');
    expect(second.kek.unwrap(wrapped, 'ctx').toString()).toBe('abc');
  });

  it('rejects a key of the wrong length with the fix', () => {
    expect(() => KeyEncryptionKey.fromBytes(Buffer.alloc(16))).toThrow('has 16 bytes; it must have 32 (generate one with: openssl rand -base64 32)');
  });
});
