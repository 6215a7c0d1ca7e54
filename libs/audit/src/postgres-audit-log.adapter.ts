import { randomUUID } from 'node:crypto';

import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

import { type AuditHead, sealAuditRecord } from './audit-chain';
import { AUDIT_COLUMNS, recordFromRow, recordToValues } from './audit-columns';
import type { AuditRecord, PreparedAuditEntry } from './audit-entry';
import { auditPage, buildAuditListQuery } from './audit-list-query';
import { type AuditFilter, AuditLog, type AuditPage } from './audit-log.port';
import { type PgConnection, type PgPool, openPgPool } from './pg-client';
import { auditMigrations } from './postgres-audit-log.migrations';

export interface PostgresAuditLogOptions {
  /** Connection URL, e.g. `postgres://user:password@127.0.0.1:5432/stadtdaten`. */
  url: string;
  /** Schema of the audit tables, created when missing; default `audit`. */
  schema?: string;
  logger: Logger;
  /** Source of entry times; default the system clock. */
  clock?: Clock;
  /** Connections in the pool, default 5. */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * SQLSTATEs after which the same statement may succeed: connection exceptions (08), too many
 * connections (53300), administrator or crash shutdown (57P01 to 57P03), serialization failure
 * (40001), deadlock (40P01) and unique violation (23505, a lost race for a sequence number).
 */
const RETRIABLE_SQLSTATE = /^(08|53300|57P0[1-3]|40001|40P01|23505)/;

/** Failed login (28), missing database (3D000) and missing privilege (42501): a retry cannot help. */
const CONFIG_SQLSTATE = /^(28|3D000|42501)/;

/**
 * Audit log in the PostgreSQL schema `audit` (configurable for tests). connect() applies the
 * migrations in `postgres-audit-log.migrations.ts` under an advisory lock, so several processes may
 * start at once. Each append takes a transaction-scoped advisory lock before it reads the head, so
 * appends from any number of connections and processes form one chain. The primary key on
 * `sequence` rejects a fork even if a writer bypasses the lock.
 */
export class PostgresAuditLog extends AuditLog {
  private pool: PgPool | undefined;
  private readonly schema: string;
  private readonly table: string;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: PostgresAuditLogOptions) {
    super();
    this.schema = options.schema ?? 'audit';
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `invalid audit log schema ${JSON.stringify(this.schema)}; use 1 to 63 lower-case letters, digits and _, not starting with a digit`,
      );
    }
    this.table = `"${this.schema}".entries`;
    this.clock = options.clock ?? new Clock();
    this.logger = options.logger.child({ component: 'postgres-audit-log', schema: this.schema });
  }

  async connect(): Promise<void> {
    if (this.pool !== undefined) return;

    const pool = openPgPool({
      connectionString: this.options.url,
      max: this.options.poolSize ?? 5,
      connectionTimeoutMillis: 10_000,
      application_name: 'stadtdaten-audit',
    });
    // An idle connection that fails emits on the pool; the next query opens a new one.
    pool.on('error', (error) => this.logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
    try {
      const applied = await this.transaction(pool, (connection) => this.migrate(connection));
      if (applied.length > 0) this.logger.info({ migrations: applied }, 'audit log migrated');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw pgError('connect', error);
    }
    this.pool = pool;
    this.logger.info('audit log connected');
  }

  async list(filter: AuditFilter = {}): Promise<AuditPage> {
    const pool = this.connected();
    const query = buildAuditListQuery(filter, (position) => `$${position}`);
    try {
      const result = await pool.query(
        `SELECT ${AUDIT_COLUMNS.join(', ')} FROM ${this.table}
         WHERE ${query.where} ORDER BY ${query.orderBy} LIMIT $${query.values.length + 1}`,
        [...query.values, query.fetchLimit],
      );

      return auditPage(result.rows.map(recordFromRow), query);
    } catch (error) {
      throw pgError('list', error);
    }
  }

  async head(): Promise<AuditHead | null> {
    try {
      return await this.selectHead(this.connected());
    } catch (error) {
      throw pgError('head', error);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (pool === undefined) return;
    this.pool = undefined;
    await pool.end();
    this.logger.info('audit log closed');
  }

  protected async appendRecord(prepared: PreparedAuditEntry): Promise<AuditRecord> {
    const pool = this.connected();
    try {
      return await this.transaction(pool, async (connection) => {
        // Held until COMMIT or ROLLBACK, so the next append reads this entry as its head.
        await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `stadtdaten.audit.append.${this.schema}`,
        ]);
        const previous = await this.selectHead(connection);
        const record = sealAuditRecord(prepared, previous, { id: randomUUID(), timeMs: this.clock.now() });
        await connection.query(
          `INSERT INTO ${this.table} (${AUDIT_COLUMNS.join(', ')})
           VALUES (${AUDIT_COLUMNS.map((_column, index) => `$${index + 1}`).join(', ')})`,
          recordToValues(record),
        );

        return record;
      });
    } catch (error) {
      throw pgError('append', error);
    }
  }

  protected async readRecords(
    afterSequence: number,
    lastSequence: number,
    limit: number,
  ): Promise<AuditRecord[]> {
    try {
      const result = await this.connected().query(
        `SELECT ${AUDIT_COLUMNS.join(', ')} FROM ${this.table}
         WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence LIMIT $3`,
        [afterSequence, lastSequence, limit],
      );

      return result.rows.map(recordFromRow);
    } catch (error) {
      throw pgError('verify', error);
    }
  }

  private async selectHead(connection: PgConnection): Promise<AuditHead | null> {
    const result = await connection.query<{ sequence: string; hash: string }>(
      `SELECT sequence, hash FROM ${this.table} ORDER BY sequence DESC LIMIT 1`,
    );
    const row = result.rows[0];

    return row === undefined ? null : { sequence: Number(row.sequence), hash: row.hash };
  }

  /** Applies the migrations not yet recorded in `<schema>.migrations`; returns their versions. */
  private async migrate(connection: PgConnection): Promise<number[]> {
    await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `stadtdaten.audit.migrate.${this.schema}`,
    ]);
    // Checked first because CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    const existing = await connection.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
    if (existing.rows.length === 0) await connection.query(`CREATE SCHEMA "${this.schema}"`);
    await connection.query(
      `CREATE TABLE IF NOT EXISTS "${this.schema}".migrations (version integer PRIMARY KEY, applied_at_ms bigint NOT NULL)`,
    );
    const current = await connection.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM "${this.schema}".migrations`,
    );
    const currentVersion = current.rows[0]?.version ?? 0;
    const migrations = auditMigrations(this.schema);
    const latest = migrations[migrations.length - 1].version;
    if (currentVersion > latest) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `audit schema "${this.schema}" has migration ${currentVersion}, newer than the ${latest} this version knows; upgrade stadtdaten`,
      );
    }

    const applied: number[] = [];
    for (const migration of migrations.filter((candidate) => candidate.version > currentVersion)) {
      await connection.query(migration.sql);
      await connection.query(
        `INSERT INTO "${this.schema}".migrations (version, applied_at_ms) VALUES ($1, $2)`,
        [migration.version, this.clock.now()],
      );
      applied.push(migration.version);
    }

    return applied;
  }

  private async transaction<T>(pool: PgPool, work: (connection: PgConnection) => Promise<T>): Promise<T> {
    const connection = await pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work(connection);
      await connection.query('COMMIT');
      connection.release();

      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      // Closes the connection instead of returning one in an unknown state to the pool.
      connection.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  private connected(): PgPool {
    if (this.pool === undefined) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'audit log is not connected; call connect() first');
    }

    return this.pool;
  }
}

/** Wraps a pg error in an AppError; connection problems and lost races are retriable. */
function pgError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  const sqlState = typeof code === 'string' ? code : '';
  const reason = error instanceof Error ? error.message : String(error);
  if (CONFIG_SQLSTATE.test(sqlState)) {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `audit log ${operation} failed: ${reason}; check the URL, the credentials and the privileges on the schema`,
      { cause: error, details: { sqlState } },
    );
  }
  // Node socket errors have codes such as ECONNREFUSED; pool timeouts have no code.
  const network =
    /^E[A-Z]+$/.test(sqlState) || (error instanceof Error && /timeout|terminat|connect/i.test(reason));
  const retriable = RETRIABLE_SQLSTATE.test(sqlState) || network;
  const fix =
    sqlState === '23505'
      ? 'another writer took the same sequence number without the append lock; retry, and check that every writer of this schema runs this adapter'
      : retriable
        ? 'check that PostgreSQL is running and reachable, then retry'
        : 'check the audit tables and run verify()';

  return new AppError(ErrorCode.UNAVAILABLE, `audit log ${operation} failed: ${reason}; ${fix}`, {
    cause: error,
    retriable,
    details: { sqlState },
  });
}
