import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

import { type PgPool, type PgQueryable, createPgPool } from './pg-pool';
import { type RejectionFilter, RejectionStore, type StoredRejection } from './rejection-store.port';

export interface PostgresRejectionStoreOptions {
  /** Connection URL, e.g. `postgres://user:password@127.0.0.1:5432/stadtdaten`. */
  url: string;
  /** Schema of the `rejections` table, created when missing; default `public`. */
  schema?: string;
  logger: Logger;
  /** Connections in the pool, default 5. */
  poolSize?: number;
}

const COLUMNS = [
  'id',
  'tenant',
  'reason_code',
  'detail',
  'device_id',
  'field',
  'entry_index',
  'topic',
  'source_protocol',
  'format',
  'content_type',
  'received_at_ms',
  'rejected_at_ms',
  'payload_base64',
  'validator_version',
] as const;

/** Rows per INSERT; 15 parameters each stays far below PostgreSQL's limit of 65,535 parameters. */
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
 * may start at once). Writes insert with `ON CONFLICT (id) DO NOTHING`; lists filter and order
 * as the SQLite adapter does (newest receipt first, then id by code point).
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

  /** Inserts the rejections in one transaction; ids already stored keep their stored row. */
  async write(rejections: StoredRejection[]): Promise<void> {
    const pool = this.connected();
    if (rejections.length === 0) return;

    try {
      await this.transaction(pool, async (client) => {
        for (let offset = 0; offset < rejections.length; offset += INSERT_CHUNK) {
          const chunk = rejections.slice(offset, offset + INSERT_CHUNK);
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
        validator_version text NOT NULL
      )`);
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

function insertStatement(table: string, rows: number): string {
  const placeholders = Array.from({ length: rows }, (_, row) => {
    const first = row * COLUMNS.length;

    return `(${COLUMNS.map((_column, index) => `$${first + index + 1}`).join(', ')})`;
  });

  return `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${placeholders.join(', ')} ON CONFLICT (id) DO NOTHING`;
}

/**
 * PostgreSQL text cannot contain the NUL character, which SQLite stores.
 *
 * NOTE: NUL characters in text columns are stored as U+FFFD, so such a rejection reads back
 * changed; the payload itself is base64 and unaffected.
 */
function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function toValues(rejection: StoredRejection): unknown[] {
  return [
    text(rejection.id),
    text(rejection.tenant),
    text(rejection.reasonCode),
    text(rejection.detail),
    text(rejection.deviceId),
    text(rejection.field),
    rejection.entryIndex,
    text(rejection.topic),
    text(rejection.sourceProtocol),
    text(rejection.format),
    text(rejection.contentType),
    rejection.receivedAtMs,
    rejection.rejectedAtMs,
    rejection.payloadBase64,
    text(rejection.validatorVersion),
  ];
}

function whereClause(filter: RejectionFilter): { where: string; values: unknown[] } {
  const values: unknown[] = [filter.tenant];
  const conditions = ['tenant = $1'];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${values.length}`));
  };
  if (filter.reasonCode !== undefined) add((p) => `reason_code = ${p}`, filter.reasonCode);
  if (filter.deviceId !== undefined) add((p) => `device_id = ${p}`, filter.deviceId);
  if (filter.fromMs !== undefined) add((p) => `received_at_ms >= ${p}`, filter.fromMs);
  if (filter.toMs !== undefined) add((p) => `received_at_ms < ${p}`, filter.toMs);

  return { where: conditions.join(' AND '), values };
}

function fromRow(row: Record<string, unknown>): StoredRejection {
  return {
    id: row.id as string,
    tenant: row.tenant as string,
    reasonCode: row.reason_code as string,
    detail: row.detail as string,
    deviceId: row.device_id as string,
    field: row.field as string,
    entryIndex: row.entry_index as number,
    topic: row.topic as string,
    sourceProtocol: row.source_protocol as string,
    format: row.format as string,
    contentType: row.content_type as string,
    // node-postgres returns bigint as a string; epoch milliseconds fit a double exactly.
    receivedAtMs: Number(row.received_at_ms),
    rejectedAtMs: Number(row.rejected_at_ms),
    payloadBase64: row.payload_base64 as string,
    validatorVersion: row.validator_version as string,
  };
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
