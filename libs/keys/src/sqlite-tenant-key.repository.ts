import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type KeyPurpose, TenantKeyRepository, type WrappedTenantKey } from './tenant-key-store.port';

interface KeyRow {
  tenant: string;
  purpose: KeyPurpose;
  id: string;
  wrapped: Buffer;
  created_at_ms: number;
  active: number;
}

/** Wrapped tenant keys in their own SQLite file (embedded mode). */
export class SqliteTenantKeyRepository extends TenantKeyRepository {
  private readonly db: Database.Database;

  constructor(path: string) {
    super();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS tenant_keys (
      tenant TEXT NOT NULL,
      purpose TEXT NOT NULL,
      id TEXT NOT NULL,
      wrapped BLOB NOT NULL,
      created_at_ms INTEGER NOT NULL,
      active INTEGER NOT NULL,
      PRIMARY KEY (tenant, purpose, id)
    )`);
  }

  async insert(key: WrappedTenantKey): Promise<boolean> {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO tenant_keys (tenant, purpose, id, wrapped, created_at_ms, active) VALUES (?, ?, ?, ?, ?, ?)')
      .run(key.tenant, key.purpose, key.id, key.wrapped, key.createdAtMs, key.active ? 1 : 0);

    return result.changes === 1;
  }

  async find(tenant: string, purpose: KeyPurpose, id: string): Promise<WrappedTenantKey | undefined> {
    const row = this.db.prepare('SELECT * FROM tenant_keys WHERE tenant = ? AND purpose = ? AND id = ?').get(tenant, purpose, id);

    return row === undefined ? undefined : toKey(row as KeyRow);
  }

  async active(tenant: string, purpose: KeyPurpose): Promise<WrappedTenantKey | undefined> {
    const row = this.db
      .prepare('SELECT * FROM tenant_keys WHERE tenant = ? AND purpose = ? AND active = 1 ORDER BY created_at_ms DESC LIMIT 1')
      .get(tenant, purpose);

    return row === undefined ? undefined : toKey(row as KeyRow);
  }

  async list(tenant?: string): Promise<WrappedTenantKey[]> {
    const rows =
      tenant === undefined
        ? this.db.prepare('SELECT * FROM tenant_keys ORDER BY tenant, purpose, created_at_ms').all()
        : this.db.prepare('SELECT * FROM tenant_keys WHERE tenant = ? ORDER BY purpose, created_at_ms').all(tenant);

    return (rows as KeyRow[]).map(toKey);
  }

  async activate(tenant: string, purpose: KeyPurpose, id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE tenant_keys SET active = (id = ?) WHERE tenant = ? AND purpose = ?').run(id, tenant, purpose);
    })();
  }

  async rewrapAll(rewrap: (key: WrappedTenantKey) => Buffer): Promise<number> {
    const update = this.db.prepare('UPDATE tenant_keys SET wrapped = ? WHERE tenant = ? AND purpose = ? AND id = ?');

    return this.db.transaction(() => {
      const keys = (this.db.prepare('SELECT * FROM tenant_keys').all() as KeyRow[]).map(toKey);
      for (const key of keys) {
        update.run(rewrap(key), key.tenant, key.purpose, key.id);
      }

      return keys.length;
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toKey(row: KeyRow): WrappedTenantKey {
  return {
    tenant: row.tenant,
    purpose: row.purpose,
    id: row.id,
    wrapped: row.wrapped,
    createdAtMs: row.created_at_ms,
    active: row.active === 1,
  };
}
