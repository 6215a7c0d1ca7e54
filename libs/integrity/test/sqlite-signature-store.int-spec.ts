import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteSignatureStore } from '../src';
import { makeTempDir } from './fixtures';
import { signatureStoreContract } from './signature-store.contract';

const dir = makeTempDir('signature-store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

signatureStoreContract('SqliteSignatureStore', async () => {
  const store = new SqliteSignatureStore({ path: join(dir, 'signatures.sqlite') });
  await store.connect();

  return store;
});
