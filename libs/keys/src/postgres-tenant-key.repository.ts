import { Pool } from 'pg';
import { type KeyPurpose, TenantKeyRepository, type WrappedTenantKey } from './tenant-key-store.port';

interface KeyRow {
  tenant: string;
  purpose: KeyPurpose;
  id: string;
  wrapped: Buffer;
  created_at_ms: string;
  active: boolean;
}

export interface PostgresTenantKeyOptions {
  connectionString: string;
  /** Schema of the key table; kept apart from registry and personal data. */
  schema?: string;
}

/** Wrapped tenant keys in their own PostgreSQL schema (production mode). */
export class PostgresTenantKeyRepository extends TenantKeyRepository {
  private readonly pool: Pool;
  private readonly table: string;
  private ready?: Promise<void>;

  constructor(options: PostgresTenantKeyOptions) {
    super();
    const schema = options.schema ?? 'keys';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`invalid schema name "${schema}"; use lower-case letters, digits and "_"`);
    }
    this.pool = new Pool({ connectionString: options.connectionString, max: 2, application_name: 'stadtdaten-keys' });
    this.pool.on('error', () => undefined);
    this.table = `"${schema}".tenant_keys`;
    this.ready = this.migrate(schema);
  }

  private async migrate(schema: string): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      tenant TEXT NOT NULL,
      purpose TEXT NOT NULL,
      id TEXT NOT NULL,
      wrapped BYTEA NOT NULL,
      created_at_ms BIGINT NOT NULL,
      active BOOLEAN NOT NULL,
      PRIMARY KEY (tenant, purpose, id)
    )`);
  }

  private async query<Row>(text: string, values: unknown[]): Promise<Row[]> {
    await this.ready;
    const result = await this.pool.query(text, values);

    return result.rows as Row[];
  }

  async insert(key: WrappedTenantKey): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO ${this.table} (tenant, purpose, id, wrapped, created_at_ms, active) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING id`,
      [key.tenant, key.purpose, key.id, key.wrapped, key.createdAtMs, key.active],
    );

    return rows.length === 1;
  }

  async find(tenant: string, purpose: KeyPurpose, id: string): Promise<WrappedTenantKey | undefined> {
    const rows = await this.query<KeyRow>(`SELECT * FROM ${this.table} WHERE tenant = $1 AND purpose = $2 AND id = $3`, [tenant, purpose, id]);

    return rows[0] === undefined ? undefined : toKey(rows[0]);
  }

  async active(tenant: string, purpose: KeyPurpose): Promise<WrappedTenantKey | undefined> {
    const rows = await this.query<KeyRow>(
      `SELECT * FROM ${this.table} WHERE tenant = $1 AND purpose = $2 AND active ORDER BY created_at_ms DESC LIMIT 1`,
      [tenant, purpose],
    );

    return rows[0] === undefined ? undefined : toKey(rows[0]);
  }

  async list(tenant?: string): Promise<WrappedTenantKey[]> {
    const rows =
      tenant === undefined
        ? await this.query<KeyRow>(`SELECT * FROM ${this.table} ORDER BY tenant, purpose, created_at_ms`, [])
        : await this.query<KeyRow>(`SELECT * FROM ${this.table} WHERE tenant = $1 ORDER BY purpose, created_at_ms`, [tenant]);

    return rows.map(toKey);
  }

  async activate(tenant: string, purpose: KeyPurpose, id: string): Promise<void> {
    await this.query(`UPDATE ${this.table} SET active = (id = $3) WHERE tenant = $1 AND purpose = $2`, [tenant, purpose, id]);
  }

  async rewrapAll(rewrap: (key: WrappedTenantKey) => Buffer): Promise<number> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<KeyRow>(`SELECT * FROM ${this.table} FOR UPDATE`);
      for (const key of rows.map(toKey)) {
        await client.query(`UPDATE ${this.table} SET wrapped = $4 WHERE tenant = $1 AND purpose = $2 AND id = $3`, [
          key.tenant,
          key.purpose,
          key.id,
          rewrap(key),
        ]);
      }
      await client.query('COMMIT');

      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    await this.pool.end();
  }
}

function toKey(row: KeyRow): WrappedTenantKey {
  return {
    tenant: row.tenant,
    purpose: row.purpose,
    id: row.id,
    wrapped: row.wrapped,
    createdAtMs: Number(row.created_at_ms),
    active: row.active,
  };
}
