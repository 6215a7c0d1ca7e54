import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SqliteRejectionStore } from '@stadtdaten/dead-letter';

import { runRejectionStoreContract } from './rejection-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-rejection-store-'));

runRejectionStoreContract(
  SqliteRejectionStore.name,
  async () => {
    const store = new SqliteRejectionStore({ path: join(dir, 'nested', 'rejections.db') });
    await store.connect();

    return store;
  },
  async () => rmSync(dir, { recursive: true, force: true }),
);
