import Database from 'better-sqlite3';

import type { LogRecord } from './event-log.port';
import { applyLogSchema } from './sqlite-log.schema';

export interface TopicRow {
  id: number;
  name: string;
  createdAtMs: number;
}

export interface RecordRow {
  record_offset: number;
  timestamp_ms: number;
  key: string;
  value: Buffer;
  headers: string | null;
}

export interface AppendWrite {
  kind: 'append';
  topic: string;
  records: LogRecord[];
  appendedAtMs: number;
}

/** Commits `nextOffset` for a group, but only while `memberId` still holds the group's lease. */
export interface CommitWrite {
  kind: 'commit';
  groupId: string;
  topicId: number;
  memberId: string;
  nextOffset: number;
  leaseMs: number;
}

export type LogWrite = AppendWrite | CommitWrite;

/** SQL access to one event log file. Every method runs synchronously on the caller's thread. */
export class SqliteLogRepository {
  private readonly db: Database.Database;
  private readonly topicIds = new Map<string, number>();
  private readonly statements;
  private readonly applyWritesTransaction;

  constructor(path: string, synchronous: 'FULL' | 'NORMAL', busyTimeoutMs: number) {
    this.db = new Database(path, { timeout: busyTimeoutMs });
    try {
      applyLogSchema(this.db, synchronous);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.statements = this.prepareStatements();
    this.applyWritesTransaction = this.db.transaction((writes: LogWrite[]) =>
      this.applyWritesInTransaction(writes),
    );
  }

  close(): void {
    this.db.close();
  }

  ping(): boolean {
    return this.statements.ping.get() !== undefined;
  }

  /** Creates the topics that are missing, in one transaction, and caches their ids. */
  ensureTopics(names: string[], nowMs: number): void {
    const missing = [...new Set(names)].filter((name) => !this.topicIds.has(name));
    if (missing.length === 0) return;

    const ids = this.db
      .transaction(() =>
        missing.map((name) => {
          this.statements.insertTopic.run(name, nowMs);

          return (this.statements.selectTopicId.get(name) as { id: number }).id;
        }),
      )
      .immediate();

    missing.forEach((name, index) => this.topicIds.set(name, ids[index]));
  }

  topicsAfter(topicId: number): TopicRow[] {
    return this.statements.selectTopicsAfter.all(topicId) as TopicRow[];
  }

  /**
   * Applies appends and offset commits in one immediate transaction, so a group of writes
   * costs one commit. Returns, per write, whether it took effect (commits of a member that
   * lost its lease do not).
   */
  applyWrites(writes: LogWrite[], nowMs: number): boolean[] {
    const topics = writes.flatMap((write) => (write.kind === 'append' ? [write.topic] : []));
    this.ensureTopics(topics, nowMs);

    return this.applyWritesTransaction.immediate(writes);
  }

  /** Returns the offset the next record of each topic gets, by topic id. */
  nextOffsets(): Map<number, number> {
    const rows = this.statements.selectNextOffsets.all() as Array<{ id: number; nextOffset: number }>;

    return new Map(rows.map((row) => [row.id, row.nextOffset]));
  }

  fetchRecords(topicId: number, fromOffset: number, limit: number): RecordRow[] {
    return this.statements.selectRecords.all(topicId, fromOffset, limit) as RecordRow[];
  }

  /** Returns the first retained offset and the offset the next record gets. */
  topicBounds(topicId: number): { earliestOffset: number; nextOffset: number } {
    const { nextOffset } = this.statements.selectNextOffset.get(topicId) as { nextOffset: number };
    const { earliestOffset } = this.statements.selectEarliestOffset.get(topicId) as {
      earliestOffset: number | null;
    };

    return { earliestOffset: earliestOffset ?? nextOffset, nextOffset };
  }

  committedOffset(groupId: string, topicId: number): number | undefined {
    const row = this.statements.selectCommitted.get(groupId, topicId) as
      { committed_offset: number } | undefined;

    return row?.committed_offset;
  }

  /** Stores `startOffset` as the group's position unless the group has one, and returns the position. */
  initCommittedOffset(groupId: string, topicId: number, startOffset: number, nowMs: number): number {
    this.statements.insertCommittedIfMissing.run(groupId, topicId, startOffset, nowMs);

    return this.committedOffset(groupId, topicId) ?? startOffset;
  }

  leaseHolder(groupId: string, topicId: number): { memberId: string; expiresAtMs: number } | undefined {
    return this.statements.selectLease.get(groupId, topicId) as
      { memberId: string; expiresAtMs: number } | undefined;
  }

  /** Takes the lease when it is free, expired or already held by `memberId`, and returns whether it did. */
  acquireLease(groupId: string, topicId: number, memberId: string, nowMs: number, leaseMs: number): boolean {
    const expiresAtMs = nowMs + leaseMs;

    return this.statements.upsertLease.run({ groupId, topicId, memberId, expiresAtMs, nowMs }).changes === 1;
  }

  /** Extends the lease of `memberId`, and returns false when another member took it over. */
  renewLease(groupId: string, topicId: number, memberId: string, nowMs: number, leaseMs: number): boolean {
    return this.statements.renewLease.run(nowMs + leaseMs, groupId, topicId, memberId).changes === 1;
  }

  releaseLeases(groupId: string, memberId: string): void {
    this.statements.deleteLeases.run(groupId, memberId);
  }

  /**
   * Deletes up to `maxRecords` records per topic that are older than `cutoffMs` and that every
   * group with a stored position has committed past. Returns the number of deleted records.
   */
  pruneRecords(cutoffMs: number, maxRecords: number): number {
    let deleted = 0;
    for (const { id } of this.topicsAfter(0)) {
      const { minCommitted } = this.statements.selectMinCommitted.get(id) as { minCommitted: number | null };
      const { nextOffset } = this.statements.selectNextOffset.get(id) as { nextOffset: number };
      const belowOffset = minCommitted ?? nextOffset;
      deleted += this.statements.deleteExpired.run({
        topicId: id,
        belowOffset,
        cutoffMs,
        limit: maxRecords,
      }).changes;
    }

    return deleted;
  }

  private applyWritesInTransaction(writes: LogWrite[]): boolean[] {
    const nextOffsets = new Map<number, number>();
    const results = writes.map((write) =>
      write.kind === 'append' ? this.insertRecords(write, nextOffsets) : this.commitOffset(write),
    );
    for (const [topicId, nextOffset] of nextOffsets) {
      this.statements.updateNextOffset.run(nextOffset, topicId);
    }

    return results;
  }

  private insertRecords(write: AppendWrite, nextOffsets: Map<number, number>): boolean {
    const topicId = this.topicIds.get(write.topic) as number;
    let offset = nextOffsets.get(topicId) ?? this.topicBounds(topicId).nextOffset;
    for (const record of write.records) {
      const headers =
        record.headers && Object.keys(record.headers).length > 0 ? JSON.stringify(record.headers) : null;
      const value = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
      this.statements.insertRecord.run(
        topicId,
        offset,
        record.timestampMs ?? write.appendedAtMs,
        record.key,
        value,
        headers,
      );
      offset += 1;
    }
    nextOffsets.set(topicId, offset);

    return true;
  }

  private commitOffset(write: CommitWrite): boolean {
    const nowMs = Date.now();
    if (!this.renewLease(write.groupId, write.topicId, write.memberId, nowMs, write.leaseMs)) return false;

    this.statements.upsertCommitted.run(write.groupId, write.topicId, write.nextOffset, nowMs);

    return true;
  }

  private prepareStatements() {
    const db = this.db;

    return {
      ping: db.prepare('SELECT 1'),
      insertTopic: db.prepare('INSERT OR IGNORE INTO topics (name, created_at_ms) VALUES (?, ?)'),
      selectTopicId: db.prepare('SELECT id FROM topics WHERE name = ?'),
      selectTopicsAfter: db.prepare(
        'SELECT id, name, created_at_ms AS createdAtMs FROM topics WHERE id > ? ORDER BY id',
      ),
      selectNextOffset: db.prepare('SELECT next_offset AS nextOffset FROM topics WHERE id = ?'),
      selectNextOffsets: db.prepare('SELECT id, next_offset AS nextOffset FROM topics'),
      selectEarliestOffset: db.prepare(
        'SELECT min(record_offset) AS earliestOffset FROM records WHERE topic_id = ?',
      ),
      updateNextOffset: db.prepare('UPDATE topics SET next_offset = ? WHERE id = ?'),
      insertRecord: db.prepare(
        'INSERT INTO records (topic_id, record_offset, timestamp_ms, key, value, headers) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      selectRecords: db.prepare(
        `SELECT record_offset, timestamp_ms, key, value, headers FROM records
         WHERE topic_id = ? AND record_offset >= ? ORDER BY record_offset LIMIT ?`,
      ),
      selectCommitted: db.prepare(
        'SELECT committed_offset FROM group_offsets WHERE group_id = ? AND topic_id = ?',
      ),
      insertCommittedIfMissing: db.prepare(
        `INSERT OR IGNORE INTO group_offsets (group_id, topic_id, committed_offset, updated_at_ms)
         VALUES (?, ?, ?, ?)`,
      ),
      upsertCommitted: db.prepare(
        `INSERT INTO group_offsets (group_id, topic_id, committed_offset, updated_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (group_id, topic_id)
         DO UPDATE SET committed_offset = excluded.committed_offset, updated_at_ms = excluded.updated_at_ms`,
      ),
      selectMinCommitted: db.prepare(
        'SELECT min(committed_offset) AS minCommitted FROM group_offsets WHERE topic_id = ?',
      ),
      selectLease: db.prepare(
        `SELECT member_id AS memberId, expires_at_ms AS expiresAtMs FROM group_leases
         WHERE group_id = ? AND topic_id = ?`,
      ),
      upsertLease: db.prepare(
        `INSERT INTO group_leases (group_id, topic_id, member_id, expires_at_ms) VALUES (:groupId, :topicId, :memberId, :expiresAtMs)
         ON CONFLICT (group_id, topic_id)
         DO UPDATE SET member_id = excluded.member_id, expires_at_ms = excluded.expires_at_ms
         WHERE group_leases.member_id = excluded.member_id OR group_leases.expires_at_ms <= :nowMs`,
      ),
      renewLease: db.prepare(
        'UPDATE group_leases SET expires_at_ms = ? WHERE group_id = ? AND topic_id = ? AND member_id = ?',
      ),
      deleteLeases: db.prepare('DELETE FROM group_leases WHERE group_id = ? AND member_id = ?'),
      // The sub-select bounds the work per run to the `limit` oldest records below the committed offset.
      // NOTE: records younger than the cutoff among those `limit` (for example with a timestamp set by
      // the producer) hold back the pruning of older records behind them until they expire.
      deleteExpired: db.prepare(
        `DELETE FROM records WHERE topic_id = :topicId AND timestamp_ms < :cutoffMs AND record_offset IN (
           SELECT record_offset FROM records WHERE topic_id = :topicId AND record_offset < :belowOffset
           ORDER BY record_offset LIMIT :limit)`,
      ),
    };
  }
}
