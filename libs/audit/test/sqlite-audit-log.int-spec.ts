import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AUDIT_SQLITE_FILE, AuditAction, AuditOutcome, SqliteAuditLog } from '@stadtdaten/audit';
import { ErrorCode, FixedClock } from '@stadtdaten/contracts';
import Database from 'better-sqlite3';
import { pino } from 'pino';

import { type AuditColumn, runAuditLogContract } from './audit-log.contract';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const root = mkdtempSync(join(tmpdir(), 'sqlite-audit-log-'));
let storageCounter = 0;

/** Runs `statement` on the file with its own connection, after dropping the append-only triggers. */
function runRaw(directory: string, statement: string, values: unknown[]): void {
  const db = new Database(join(directory, AUDIT_SQLITE_FILE));
  try {
    db.exec('DROP TRIGGER IF EXISTS entries_reject_update; DROP TRIGGER IF EXISTS entries_reject_delete;');
    const result = db.prepare(statement).run(...values);
    if (result.changes !== 1)
      throw new Error(`expected to change 1 row, changed ${result.changes}: ${statement}`);
  } finally {
    db.close();
  }
}

runAuditLogContract(SqliteAuditLog.name, {
  async create(clock) {
    storageCounter += 1;
    const directory = join(root, `log-${storageCounter}`);

    return {
      async open() {
        const log = new SqliteAuditLog({ directory, logger, clock });
        await log.connect();

        return log;
      },
      tamper: {
        async update(sequence: number, column: AuditColumn, value: string | number | null) {
          runRaw(directory, `UPDATE entries SET ${column} = ? WHERE sequence = ?`, [value, sequence]);
        },
        async delete(sequence: number) {
          runRaw(directory, 'DELETE FROM entries WHERE sequence = ?', [sequence]);
        },
      },
    };
  },
  async cleanup() {
    rmSync(root, { recursive: true, force: true });
  },
});

describe(SqliteAuditLog.name, () => {
  let directory: string;
  let sut: SqliteAuditLog;

  beforeEach(async () => {
    storageCounter += 1;
    directory = join(root, `adapter-${storageCounter}`, 'audit');
    sut = new SqliteAuditLog({ directory, logger, clock: new FixedClock(1_735_689_600_000) });
  });

  afterEach(async () => {
    await sut.close();
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  async function appendOne(): Promise<void> {
    await sut.connect();
    await sut.append({
      action: AuditAction.KEY_CREATED,
      actor: { kind: 'system', subject: 'key-rotation' },
      target: { tenant: 'darmstadt', resourceType: 'signing-key', resourceId: 'k-1' },
      outcome: AuditOutcome.SUCCESS,
    });
  }

  it('creates audit.sqlite in the directory', async () => {
    await sut.connect();

    expect(existsSync(join(directory, 'audit.sqlite'))).toBe(true);
  });

  it('rejects UPDATE through a trigger', async () => {
    await appendOne();
    const db = new Database(join(directory, AUDIT_SQLITE_FILE));

    try {
      expect(() => db.prepare("UPDATE entries SET details = '{}'").run()).toThrow(/append-only: UPDATE/);
    } finally {
      db.close();
    }
  });

  it('rejects DELETE through a trigger', async () => {
    await appendOne();
    const db = new Database(join(directory, AUDIT_SQLITE_FILE));

    try {
      expect(() => db.prepare('DELETE FROM entries').run()).toThrow(/append-only: DELETE/);
      expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('rejects a file of a newer schema', async () => {
    await sut.connect();
    await sut.close();
    const db = new Database(join(directory, AUDIT_SQLITE_FILE));
    db.pragma('user_version = 2');
    db.close();

    await expect(sut.connect()).rejects.toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: expect.stringContaining('schema version 2'),
    });
  });

  it('rejects calls before connect', async () => {
    await expect(sut.head()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
  });
});
