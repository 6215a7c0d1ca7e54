import type { Database } from 'better-sqlite3';

import { AppError, ErrorCode } from '@stadtdaten/contracts';

/** Version of the tables below, kept in `PRAGMA user_version`. */
export const LOG_SCHEMA_VERSION = 2;

/**
 * Tables of the embedded event log. Offsets are contiguous per topic (`topics.next_offset`
 * is the offset the next record gets), and `group_offsets.committed_offset` is the next
 * offset the group has to handle, as in Kafka.
 *
 * `records` is a rowid table. In the WITHOUT ROWID table of schema version 1, a record of tens
 * of kilobytes, such as a signatures event, took about 8 ms of CPU to insert. Measured with
 * better-sqlite3 on a 2-core VM: 200 records of 86 KB took 1.7 s there and under 0.1 s in a
 * rowid table, and small records cost about the same in both.
 */
const LOG_SCHEMA = `
  CREATE TABLE IF NOT EXISTS topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    next_offset INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
  );

  CREATE TABLE IF NOT EXISTS records (
    topic_id INTEGER NOT NULL,
    record_offset INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    headers TEXT,
    PRIMARY KEY (topic_id, record_offset)
  );

  CREATE TABLE IF NOT EXISTS group_offsets (
    group_id TEXT NOT NULL,
    topic_id INTEGER NOT NULL,
    committed_offset INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic_id)
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS group_leases (
    group_id TEXT NOT NULL,
    topic_id INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic_id)
  ) WITHOUT ROWID;
`;

/**
 * Sets the connection pragmas and creates the tables. Several processes may run this on
 * the same file at once: the statements are idempotent and run in one immediate transaction.
 *
 * Durability with WAL (SQLite 3.53 documentation of `PRAGMA synchronous`):
 * - FULL syncs the WAL on every commit, so a committed append survives a power loss or an
 *   operating system crash.
 * - NORMAL syncs only at checkpoints. A committed append survives a crash of the process,
 *   but the last commits can be rolled back by a power loss or an operating system crash.
 */
export function applyLogSchema(db: Database, synchronous: 'FULL' | 'NORMAL'): void {
  const foundVersion = db.pragma('user_version', { simple: true }) as number;
  if (foundVersion > LOG_SCHEMA_VERSION) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `event log file ${db.name} has schema version ${foundVersion}, newer than the supported ${LOG_SCHEMA_VERSION}; run a newer release on it or use another path`,
    );
  }

  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  // Truncates the WAL file to 64 MiB after a checkpoint, so a burst does not leave it large.
  db.pragma('journal_size_limit = 67108864');

  db.transaction(() => {
    // Read again inside the transaction: another process may have upgraded the file meanwhile.
    if ((db.pragma('user_version', { simple: true }) as number) === 1) {
      moveRecordsToRowidTable(db);
    }
    db.exec(LOG_SCHEMA);
    db.pragma(`user_version = ${LOG_SCHEMA_VERSION}`);
  }).immediate();
}

/** Copies the records of a version 1 file into the rowid table of version 2, in the caller's transaction. */
function moveRecordsToRowidTable(db: Database): void {
  db.exec('ALTER TABLE records RENAME TO records_v1');
  db.exec(LOG_SCHEMA);
  db.exec(
    `INSERT INTO records (topic_id, record_offset, timestamp_ms, key, value, headers)
     SELECT topic_id, record_offset, timestamp_ms, key, value, headers FROM records_v1 ORDER BY topic_id, record_offset`,
  );
  db.exec('DROP TABLE records_v1');
}
