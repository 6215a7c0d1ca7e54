import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

import { type PgPool, type PgQueryable, createPgPool } from './pg-pool';
import { COLUMNS, firstOfEachId, fromRow, insertStatement, text, toValues, whereClause } from './postgres-rejection-rows';
import {
  type RejectionFilter,
  type RejectionResubmission,
  RejectionStore,
  type StoredRejection,
} from './rejection-store.port';

export interface PostgresRejectionStoreOptions {
  /** Connection URL, e.g. `postgres://user:password@127.0.0.1:5432/stadtdaten`. */
  url: string;
  /** Schema of the `rejections` table, created when missing; default `public`. */
  schema?: string;
  logger: Logger;
  /** Connections in the pool, default 5. */
  poolSize?: number;
}

/** Rows per INSERT; 17 parameters each stays far below PostgreSQL's limit of 65,535 parameters. */
const INSERT_CHUNK = 1_000;
const DEFAULT_LIST_LIMIT = 100;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * SQLSTATE classes and codes after which the same statement may succeed: connection exceptions
 * (08), too many connections (53300), admin or crash shutdown (57P01 to 57P03), serialization
 * failure (40001) and deadlock (40P01).
 */
const RETRIABLE_SQLSTATE = /^(08|53300|57P0[1-3]|40001|40P01)/;

/** Failed login (28), missing database (3D000) and missing privilege (42501): a retry cannot help. */
const CONFIG_SQLSTATE = /^(28|3D000|42501)/;

/**
 * Rejection store in one PostgreSQL table. connect() creates the schema, the table and its
 * index when missing (`CREATE ... IF NOT EXISTS` under an advisory lock, so several processes
 * may start at once). Writes upsert with `ON CONFLICT (id)`, which changes a stored row only
 * when it reopens a re-submitted rejection. Lists filter and order as the SQLite adapter does:
 * newest receipt first, then id by code point.
 */
export class PostgresRejectionStore extends RejectionStore {
  private pool: PgPool | undefined;
  private readonly schema: string;
  private readonly table: string;
  private readonly logger: Logger;

  constructor(private readonly options: PostgresRejectionStoreOptions) {
    super();
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `invalid rejection store schema ${JSON.stringify(this.schema)}; use 1 to 63 lower-case letters, digits and _, not starting with a digit`,
      );
    }
    this.table = `"${this.schema}"."rejections"`;
    this.logger = options.logger.child({ component: 'postgres-rejection-store' });
  }

  async connect(): Promise<void> {
    if (this.pool !== undefined) return;

    const pool = createPgPool({
      connectionString: this.options.url,
      max: this.options.poolSize ?? 5,
      connectionTimeoutMillis: 10_000,
      application_name: 'stadtdaten-dead-letter',
    });
    // An idle client that loses its connection emits on the pool; the next query reconnects.
    pool.on('error', (error) => this.logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
    try {
      await this.transaction(pool, (client) => this.createTable(client));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw pgError('connect', error);
    }
    this.pool = pool;
    this.logger.info({ schema: this.schema }, 'rejection store connected');
  }

  /** Inserts the rejections in one transaction; see RejectionStore.write for ids already stored. */
  async write(rejections: StoredRejection[]): Promise<void> {
    const pool = this.connected();
    if (rejections.length === 0) return;

    // ON CONFLICT DO UPDATE fails when one statement touches a row twice, so only the first row of an id is sent.
    const unique = firstOfEachId(rejections);
    try {
      await this.transaction(pool, async (client) => {
        for (let offset = 0; offset < unique.length; offset += INSERT_CHUNK) {
          const chunk = unique.slice(offset, offset + INSERT_CHUNK);
          await client.query(insertStatement(this.table, chunk.length), chunk.flatMap(toValues));
        }
      });
    } catch (error) {
      throw pgError('write', error);
    }
  }

  async list(filter: RejectionFilter): Promise<{ items: StoredRejection[]; total: number }> {
    const pool = this.connected();
    const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
    const offset = filter.offset ?? 0;
    for (const [name, value] of [
      ['limit', limit],
      ['offset', offset],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new AppError(
          ErrorCode.VALIDATION_FAILED,
          `invalid ${name} ${value}; pass a non-negative integer`,
          {
            details: { [name]: value },
          },
        );
      }
    }

    const { where, values } = whereClause(filter);
    try {
      const [counted, listed] = await Promise.all([
        pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.table} WHERE ${where}`, values),
        pool.query(
          `SELECT ${COLUMNS.join(', ')} FROM ${this.table} WHERE ${where}
           ORDER BY received_at_ms DESC, id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
          [...values, limit, offset],
        ),
      ]);

      return { items: listed.rows.map(fromRow), total: Number(counted.rows[0].n) };
    } catch (error) {
      throw pgError('list', error);
    }
  }

  async get(tenant: string, id: string): Promise<StoredRejection | undefined> {
    try {
      const result = await this.connected().query(
        `SELECT ${COLUMNS.join(', ')} FROM ${this.table} WHERE tenant = $1 AND id = $2`,
        [text(tenant), text(id)],
      );

      return result.rows.length === 0 ? undefined : fromRow(result.rows[0]);
    } catch (error) {
      throw pgError('get', error);
    }
  }

  async markResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<boolean> {
    try {
      const result = await this.connected().query(
        `UPDATE ${this.table} SET resubmitted_at_ms = $3, resubmitted_by = $4
         WHERE tenant = $1 AND id = $2 AND resubmitted_at_ms IS NULL`,
        [text(tenant), text(id), resubmission.resubmittedAtMs, text(resubmission.resubmittedBy)],
      );

      return result.rowCount === 1;
    } catch (error) {
      throw pgError('mark', error);
    }
  }

  async unmarkResubmitted(tenant: string, id: string, resubmission: RejectionResubmission): Promise<void> {
    try {
      await this.connected().query(
        `UPDATE ${this.table} SET resubmitted_at_ms = NULL, resubmitted_by = NULL
         WHERE tenant = $1 AND id = $2 AND resubmitted_at_ms = $3 AND resubmitted_by = $4`,
        [text(tenant), text(id), resubmission.resubmittedAtMs, text(resubmission.resubmittedBy)],
      );
    } catch (error) {
      throw pgError('unmark', error);
    }
  }

  async deleteByDevice(tenant: string, deviceId: string): Promise<number> {
    const result = await this.connected().query(`DELETE FROM ${this.table} WHERE tenant = $1 AND device_id = $2`, [tenant, deviceId]);

    return result.rowCount ?? 0;
  }

  async count(tenant: string): Promise<number> {
    const pool = this.connected();
    try {
      const result = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${this.table} WHERE tenant = $1`,
        [tenant],
      );

      return Number(result.rows[0].n);
    } catch (error) {
      throw pgError('count', error);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) return;
    this.pool = undefined;
    await pool.end();
    this.logger.info({ schema: this.schema }, 'rejection store closed');
  }

  private async createTable(client: PgQueryable): Promise<void> {
    // Serialises concurrent first starts: two CREATE TABLE IF NOT EXISTS can otherwise both try to create the type.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `stadtdaten.rejections.${this.schema}`,
    ]);
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
    if (existing.rows.length === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${this.table} (
        id text COLLATE "C" PRIMARY KEY,
        tenant text COLLATE "C" NOT NULL,
        reason_code text COLLATE "C" NOT NULL,
        detail text NOT NULL,
        device_id text COLLATE "C" NOT NULL,
        field text NOT NULL,
        entry_index integer NOT NULL,
        topic text NOT NULL,
        source_protocol text NOT NULL,
        format text NOT NULL,
        content_type text NOT NULL,
        received_at_ms bigint NOT NULL,
        rejected_at_ms bigint NOT NULL,
        payload_base64 text NOT NULL,
        validator_version text NOT NULL,
        resubmitted_at_ms bigint,
        resubmitted_by text
      )`);
    // Tables created before re-submissions were recorded lack these two columns.
    await client.query(
      `ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS resubmitted_at_ms bigint, ADD COLUMN IF NOT EXISTS resubmitted_by text`,
    );
    await client.query(
      `CREATE INDEX IF NOT EXISTS rejections_by_tenant_time ON ${this.table} (tenant, received_at_ms DESC, id)`,
    );
  }

  private async transaction(pool: PgPool, work: (client: PgQueryable) => Promise<void>): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // Passing the error discards the connection instead of returning a possibly broken one.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  private connected(): PgPool {
    if (this.pool === undefined) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'rejection store is not connected; call connect() first');
    }

    return this.pool;
  }
}

/** Wraps a pg error in an AppError; connection problems and lost races are retriable. */
function pgError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  const sqlState = typeof code === 'string' ? code : '';
  const network =
    /^E[A-Z]+$/.test(sqlState) || (error instanceof Error && /timeout|terminat|connect/i.test(error.message));
  const retriable = RETRIABLE_SQLSTATE.test(sqlState) || network;
  const reason = error instanceof Error ? error.message : String(error);
  if (CONFIG_SQLSTATE.test(sqlState)) {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `rejection store ${operation} failed: ${reason}; check the URL (sslmode and sslrootcert for TLS), the credentials and the privileges on the schema`,
      { cause: error, details: { sqlState } },
    );
  }
  const fix = retriable
    ? 'check that PostgreSQL is running and reachable, then retry'
    : 'check the table and the values';

  return new AppError(ErrorCode.UNAVAILABLE, `rejection store ${operation} failed: ${reason}; ${fix}`, {
    cause: error,
    retriable,
    details: { sqlState },
  });
}
