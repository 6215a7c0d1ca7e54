import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';

import { type AuditHead, sealAuditRecord } from './audit-chain';
import { AUDIT_COLUMNS, recordFromRow, recordToValues } from './audit-columns';
import type { AuditRecord, PreparedAuditEntry } from './audit-entry';
import { auditPage, buildAuditListQuery } from './audit-list-query';
import { type AuditFilter, AuditLog, type AuditPage } from './audit-log.port';

/** File name of the embedded audit log inside its directory. */
export const AUDIT_SQLITE_FILE = 'audit.sqlite';

export interface SqliteAuditLogOptions {
  /** Directory of the `audit.sqlite` file, created when missing; keep it apart from other stores' files. */
  directory: string;
  logger: Logger;
  /** Source of entry times; default the system clock. */
  clock?: Clock;
  /** Maximum time in ms that a write waits for another process's lock on the file; default 5000. */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

/**
 * STRICT makes SQLite reject values of the wrong type. The triggers reject UPDATE and DELETE, so
 * the application cannot change entries by mistake. Anyone with write access to the file can still
 * drop the triggers, and `verify` then detects the changes.
 */
const SCHEMA_V1 = `
  CREATE TABLE entries (
    sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
    id TEXT NOT NULL UNIQUE,
    time_ms INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_subject TEXT NOT NULL,
    actor_tenant TEXT,
    actor_roles TEXT NOT NULL,
    target_tenant TEXT,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    outcome TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX entries_by_target_tenant ON entries (target_tenant, sequence);
  CREATE INDEX entries_by_actor_subject ON entries (actor_subject, sequence);
  CREATE INDEX entries_by_action ON entries (action, sequence);
  CREATE INDEX entries_by_time ON entries (time_ms);
  CREATE TRIGGER entries_reject_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'audit log entries are append-only: UPDATE is not allowed'); END;
  CREATE TRIGGER entries_reject_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'audit log entries are append-only: DELETE is not allowed'); END;
`;

/**
 * The embedded audit log: one SQLite file in WAL mode. Appends run in `BEGIN IMMEDIATE`
 * transactions, which take the file's write lock before reading the head, so appends from several
 * connections or processes never fork the chain.
 *
 * NOTE: the tests append through two connections of one process. Appends from several processes
 * rely on the same write lock but are not tested.
 */
export class SqliteAuditLog extends AuditLog {
  private db: Database.Database | undefined;
  private readonly path: string;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: SqliteAuditLogOptions) {
    super();
    this.path = join(options.directory, AUDIT_SQLITE_FILE);
    this.clock = options.clock ?? new Clock();
    this.logger = options.logger.child({ component: 'sqlite-audit-log' });
  }

  async connect(): Promise<void> {
    if (this.db !== undefined) return;

    mkdirSync(this.options.directory, { recursive: true });
    const db = new Database(this.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${this.options.busyTimeoutMs ?? 5000}`);
      migrate(db, this.path);
    } catch (error) {
      db.close();
      throw sqliteError('connect', error);
    }
    this.db = db;
    this.logger.info({ path: this.path }, 'audit log connected');
  }

  async list(filter: AuditFilter = {}): Promise<AuditPage> {
    const db = this.database();
    const query = buildAuditListQuery(filter, () => '?');
    const rows = db
      .prepare(
        `SELECT ${AUDIT_COLUMNS.join(', ')} FROM entries WHERE ${query.where} ORDER BY ${query.orderBy} LIMIT ?`,
      )
      .all(...query.values, query.fetchLimit) as Record<string, unknown>[];

    return auditPage(rows.map(recordFromRow), query);
  }

  async head(): Promise<AuditHead | null> {
    return selectHead(this.database());
  }

  async close(): Promise<void> {
    const db = this.db;
    if (db === undefined) return;
    this.db = undefined;
    db.close();
    this.logger.info({ path: this.path }, 'audit log closed');
  }

  protected async appendRecord(prepared: PreparedAuditEntry): Promise<AuditRecord> {
    const db = this.database();
    const insert = db.prepare(
      `INSERT INTO entries (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    const appendNext = db.transaction(() => {
      const record = sealAuditRecord(prepared, selectHead(db), {
        id: randomUUID(),
        timeMs: this.clock.now(),
      });
      insert.run(...recordToValues(record));

      return record;
    });
    try {
      return appendNext.immediate();
    } catch (error) {
      throw sqliteError('append', error);
    }
  }

  protected async readRecords(
    afterSequence: number,
    lastSequence: number,
    limit: number,
  ): Promise<AuditRecord[]> {
    // Lets other work run between batches of a long verification.
    await nextTurn();
    const rows = this.database()
      .prepare(
        `SELECT ${AUDIT_COLUMNS.join(', ')} FROM entries
         WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?`,
      )
      .all(afterSequence, lastSequence, limit) as Record<string, unknown>[];

    return rows.map(recordFromRow);
  }

  private database(): Database.Database {
    if (this.db === undefined) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'audit log is not connected; call connect() first');
    }

    return this.db;
  }
}

function selectHead(db: Database.Database): AuditHead | null {
  const row = db.prepare('SELECT sequence, hash FROM entries ORDER BY sequence DESC LIMIT 1').get() as
    { sequence: number; hash: string } | undefined;

  return row === undefined ? null : { sequence: row.sequence, hash: row.hash };
}

/** Creates the tables in a new file; the version lives in SQLite's `user_version` header field. */
function migrate(db: Database.Database, path: string): void {
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    const version = readVersion();
    if (version > SCHEMA_VERSION) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `audit log ${path} has schema version ${version}, newer than the ${SCHEMA_VERSION} this version supports; upgrade stadtdaten`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    db.exec(SCHEMA_V1);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** Wraps a better-sqlite3 error; a lock held too long by another process is retriable. */
function sqliteError(operation: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown })?.code;
  const retriable = typeof code === 'string' && code.startsWith('SQLITE_BUSY');
  const reason = error instanceof Error ? error.message : String(error);
  const fix = retriable
    ? 'another process holds the write lock; retry'
    : 'check that the file is writable and not damaged, and run verify()';

  return new AppError(ErrorCode.UNAVAILABLE, `audit log ${operation} failed: ${reason}; ${fix}`, {
    cause: error,
    retriable,
    details: { code },
  });
}
