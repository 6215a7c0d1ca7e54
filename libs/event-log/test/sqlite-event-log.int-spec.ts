import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { ErrorCode } from '@stadtdaten/contracts';
import { type ConsumedRecord, SqliteEventLog, type SqliteEventLogOptions } from '@stadtdaten/event-log';
import { pino } from 'pino';

import { runEventLogContract } from './event-log.contract';
import { deferred, waitFor } from './wait-for';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const contractDir = mkdtempSync(join(tmpdir(), 'sqlite-event-log-contract-'));

runEventLogContract(
  SqliteEventLog.name,
  async () => {
    const log = new SqliteEventLog({ path: join(contractDir, 'log.db'), pollIntervalMs: 50, logger });
    await log.connect();

    return log;
  },
  async () => rmSync(contractDir, { recursive: true, force: true }),
);

describe(SqliteEventLog.name, () => {
  let dir: string;
  const opened: SqliteEventLog[] = [];

  async function open(overrides: Partial<SqliteEventLogOptions> = {}): Promise<SqliteEventLog> {
    const log = new SqliteEventLog({ path: join(dir, 'log.db'), pollIntervalMs: 50, logger, ...overrides });
    opened.push(log);
    await log.connect();

    return log;
  }

  function collect(into: ConsumedRecord[]) {
    return async (batch: ConsumedRecord[]) => {
      into.push(...batch);
    };
  }

  function record(key: string, timestampMs?: number) {
    return { key, value: Buffer.from(key), timestampMs };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-event-log-'));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('connect', () => {
    it('opens the file in WAL mode', async () => {
      await open();

      const db = new Database(join(dir, 'log.db'), { readonly: true });
      const journalMode = db.pragma('journal_mode', { simple: true });
      db.close();

      expect(journalMode).toBe('wal');
    });

    it('creates a missing folder', async () => {
      const log = await open({ path: join(dir, 'nested', 'deeper', 'log.db') });

      expect(await log.isHealthy()).toBe(true);
    });

    it('upgrades a version 1 file and keeps its records', async () => {
      const path = join(dir, 'log.db');
      const v1 = new Database(path);
      v1.exec(`
        CREATE TABLE topics (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, next_offset INTEGER NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL);
        CREATE TABLE records (topic_id INTEGER NOT NULL, record_offset INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL, key TEXT NOT NULL,
          value BLOB NOT NULL, headers TEXT, PRIMARY KEY (topic_id, record_offset)) WITHOUT ROWID;
        CREATE TABLE group_offsets (group_id TEXT NOT NULL, topic_id INTEGER NOT NULL, committed_offset INTEGER NOT NULL,
          updated_at_ms INTEGER NOT NULL, PRIMARY KEY (group_id, topic_id)) WITHOUT ROWID;
        CREATE TABLE group_leases (group_id TEXT NOT NULL, topic_id INTEGER NOT NULL, member_id TEXT NOT NULL,
          expires_at_ms INTEGER NOT NULL, PRIMARY KEY (group_id, topic_id)) WITHOUT ROWID;
        INSERT INTO topics VALUES (1, 'kept', 3, 0);
        INSERT INTO records VALUES (1, 0, 10, 'a', x'61', NULL), (1, 1, 11, 'b', x'62', NULL), (1, 2, 12, 'c', x'63', NULL);
        INSERT INTO group_offsets VALUES ('g', 1, 1, 0);
        PRAGMA user_version = 1;
      `);
      v1.close();

      const log = await open();
      const seen: ConsumedRecord[] = [];
      await log.subscribe({ groupId: 'g', topics: ['kept'], handler: collect(seen) });
      await log.append('kept', [record('d')]);
      await waitFor(() => seen.length >= 3, 5_000, 'records after the committed offset');

      expect(seen.map((consumed) => [consumed.offset, consumed.key])).toEqual([
        ['1', 'b'],
        ['2', 'c'],
        ['3', 'd'],
      ]);
      const db = new Database(path, { readonly: true });
      const recordsTable = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'records'").get() as { sql: string };
      const version = db.pragma('user_version', { simple: true });
      db.close();
      expect(recordsTable.sql).not.toContain('WITHOUT ROWID');
      expect(version).toBe(2);
    });

    it('rejects an invalid option', () => {
      expect(() => new SqliteEventLog({ path: join(dir, 'log.db'), pollIntervalMs: 0 })).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_CONFIG,
          message: expect.stringContaining('pollIntervalMs=0'),
        }),
      );
    });
  });

  describe('append', () => {
    it('rejects calls before connect', async () => {
      const log = new SqliteEventLog({ path: join(dir, 'log.db'), logger });

      await expect(log.append('t', [record('a')])).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    });

    it('rejects calls after close', async () => {
      const log = await open();
      await log.close();

      await expect(log.append('t', [record('a')])).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    });

    it('rejects an invalid topic name', async () => {
      const log = await open();

      await expect(log.append('bad topic', [record('a')])).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('"bad topic"'),
      });
    });

    it('rejects a record without a byte value', async () => {
      const log = await open();
      const invalid = { key: 'k', value: 'text' as unknown as Uint8Array };

      await expect(log.append('t', [record('a'), invalid])).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('record 1'),
      });
    });

    it('keeps call order of concurrent appends', async () => {
      const log = await open();
      const keys = Array.from({ length: 200 }, (_, index) => `k${index}`);
      await Promise.all(keys.map((key) => log.append('concurrent', [record(key)])));

      const seen: ConsumedRecord[] = [];
      await log.subscribe({ groupId: 'g', topics: ['concurrent'], handler: collect(seen) });
      await waitFor(() => seen.length >= keys.length, 10_000, '200 records');

      expect(seen.map((consumed) => consumed.key)).toEqual(keys);
      expect(seen.map((consumed) => consumed.offset)).toEqual(keys.map((_, index) => String(index)));
    });
  });

  describe('subscribe', () => {
    it('finds appends of another process by polling', async () => {
      // A second path to the same file is not announced by the in-process notification.
      const linkedDir = `${dir}-link`;
      symlinkSync(dir, linkedDir);
      try {
        const consumer = await open({ pollIntervalMs: 50 });
        const producer = await open({ path: join(linkedDir, 'log.db') });
        const seen: ConsumedRecord[] = [];
        await consumer.subscribe({ groupId: 'g', topics: ['polled'], handler: collect(seen) });

        await producer.append('polled', [record('remote')]);
        await waitFor(() => seen.length >= 1, 5_000, 'polled record');

        expect(seen.map((consumed) => consumed.key)).toEqual(['remote']);
      } finally {
        rmSync(linkedDir, { force: true });
      }
    });

    it('waits for the lease of another member to expire', async () => {
      const log = await open();
      await log.append('leased', [record('a')]);
      const db = new Database(join(dir, 'log.db'));
      const { id } = db.prepare('SELECT id FROM topics WHERE name = ?').get('leased') as { id: number };
      const expiresAtMs = Date.now() + 300;
      db.prepare('INSERT INTO group_leases VALUES (?, ?, ?, ?)').run('g', id, 'crashed-member', expiresAtMs);
      db.close();

      let deliveredAtMs = 0;
      await log.subscribe({
        groupId: 'g',
        topics: ['leased'],
        handler: async () => {
          deliveredAtMs = Date.now();
        },
      });
      await waitFor(() => deliveredAtMs > 0, 5_000, 'delivery after the lease expired');

      expect(deliveredAtMs).toBeGreaterThanOrEqual(expiresAtMs);
    });

    it('matches a global pattern on every topic', async () => {
      const log = await open();
      await log.append('global.a', [record('a')]);
      await log.append('global.b', [record('b')]);

      const seen: ConsumedRecord[] = [];
      await log.subscribe({ groupId: 'g', topics: /^global\./g, handler: collect(seen) });
      await waitFor(() => seen.length >= 2, 5_000, 'records of both topics');

      expect(seen.map((consumed) => consumed.key).sort()).toEqual(['a', 'b']);
    });

    it('rejects an invalid maxBatchSize', async () => {
      const log = await open();

      await expect(
        log.subscribe({ groupId: 'g', topics: ['t'], handler: async () => undefined, maxBatchSize: 0 }),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        message: expect.stringContaining('maxBatchSize 0'),
      });
    });
  });

  describe('close', () => {
    it('gives up on a handler after closeTimeoutMs', async () => {
      // The lease of the closed member stays until it expires, so a short leaseMs keeps the test fast.
      const log = await open({ closeTimeoutMs: 50, leaseMs: 300 });
      await log.append('slow', [record('a')]);
      const release = deferred();
      let started = false;
      await log.subscribe({
        groupId: 'g',
        topics: ['slow'],
        handler: async () => {
          started = true;
          await release.promise;
        },
      });
      await waitFor(() => started, 5_000, 'handler start');

      await log.close();
      release.resolve();
      const reopened = await open();
      const seen: ConsumedRecord[] = [];
      await reopened.subscribe({ groupId: 'g', topics: ['slow'], handler: collect(seen) });
      await waitFor(() => seen.length >= 1, 5_000, 'redelivered record');

      expect(seen.map((consumed) => consumed.key)).toEqual(['a']);
    });
  });

  describe('pruneExpired', () => {
    const retentionMs = 60_000;
    const oldMs = Date.now() - 10 * retentionMs;

    async function consumeFirst(log: SqliteEventLog, groupId: string, count: number): Promise<void> {
      const subscription = await log.subscribe({
        groupId,
        topics: ['pruned'],
        maxBatchSize: count,
        handler: async (batch) => {
          if (Number(batch[0].offset) >= count) throw new Error('stop after the first batch');
        },
      });
      await waitFor(
        async () => (await subscription.lag()) <= 10 - count,
        5_000,
        `${count} committed records`,
      );
      await subscription.stop();
    }

    function remainingKeys(): string[] {
      const db = new Database(join(dir, 'log.db'), { readonly: true });
      const rows = db.prepare('SELECT key FROM records ORDER BY record_offset').all() as Array<{
        key: string;
      }>;
      db.close();

      return rows.map((row) => row.key);
    }

    it('deletes old records that every group committed', async () => {
      const log = await open({ retentionMs });
      await log.append(
        'pruned',
        Array.from({ length: 10 }, (_, index) => record(`k${index}`, oldMs)),
      );
      await consumeFirst(log, 'fast', 6);
      await consumeFirst(log, 'slow', 4);

      const deleted = log.pruneExpired();

      expect(deleted).toBe(4);
      expect(remainingKeys()).toEqual(['k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    });

    it('keeps records younger than the retention', async () => {
      const log = await open({ retentionMs });
      await log.append('pruned', [
        ...Array.from({ length: 5 }, (_, index) => record(`old${index}`, oldMs)),
        ...Array.from({ length: 5 }, (_, index) => record(`new${index}`)),
      ]);
      await consumeFirst(log, 'all', 10);

      const deleted = log.pruneExpired();

      expect(deleted).toBe(5);
      expect(remainingKeys()).toEqual(['new0', 'new1', 'new2', 'new3', 'new4']);
    });

    it('deletes at most maxPrunedPerRun records per run', async () => {
      const log = await open({ retentionMs, maxPrunedPerRun: 3 });
      await log.append(
        'pruned',
        Array.from({ length: 10 }, (_, index) => record(`k${index}`, oldMs)),
      );
      await consumeFirst(log, 'all', 10);

      expect(log.pruneExpired()).toBe(3);
      expect(log.pruneExpired()).toBe(3);
      expect(remainingKeys()).toEqual(['k6', 'k7', 'k8', 'k9']);
    });
  });
});
