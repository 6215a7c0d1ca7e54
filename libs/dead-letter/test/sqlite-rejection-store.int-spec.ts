import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
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

describe(SqliteRejectionStore.name, () => {
  let legacyDir: string;

  beforeEach(() => {
    legacyDir = mkdtempSync(join(tmpdir(), 'sqlite-rejection-store-legacy-'));
  });

  afterEach(() => {
    rmSync(legacyDir, { recursive: true, force: true });
  });

  it('adds state columns to an older table', async () => {
    const path = join(legacyDir, 'rejections.db');
    const legacy = new Database(path);
    legacy.exec(`
      CREATE TABLE rejections (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, reason_code TEXT NOT NULL, detail TEXT NOT NULL,
        device_id TEXT NOT NULL, field TEXT NOT NULL, entry_index INTEGER NOT NULL, topic TEXT NOT NULL,
        source_protocol TEXT NOT NULL, format TEXT NOT NULL, content_type TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL, rejected_at_ms INTEGER NOT NULL, payload_base64 TEXT NOT NULL,
        validator_version TEXT NOT NULL
      );
      INSERT INTO rejections VALUES ('old-1', 'darmstadt', 'OUT_OF_RANGE', 'too high', 'dev', 'P2', 0, 't', 'mqtt', 'json',
        'application/json', 1000, 1010, 'e30=', '0.1.0');
    `);
    legacy.close();
    const sut = new SqliteRejectionStore({ path });

    await sut.connect();
    const before = await sut.list({ tenant: 'darmstadt', state: 'open' });
    const marked = await sut.markResubmitted('darmstadt', 'old-1', { resubmittedAtMs: 2000, resubmittedBy: 'operator' });

    expect(before.items.map((item) => item.id)).toEqual(['old-1']);
    expect(marked).toBe(true);
    expect(await sut.get('darmstadt', 'old-1')).toMatchObject({ resubmittedAtMs: 2000, resubmittedBy: 'operator' });
    await sut.close();
  });
});
