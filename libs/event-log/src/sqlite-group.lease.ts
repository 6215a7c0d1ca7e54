import type { Logger } from 'pino';

import type { ConsumedRecord } from './event-log.port';
import type { SqliteLogRepository } from './sqlite-log.repository';

/** State of one topic that a subscription matches. */
export interface TopicCursor {
  topicId: number;
  topic: string;
  /** Start offset for a group without a committed offset, or undefined for the earliest record. */
  initialOffset: number | undefined;
  /** Expiry of this member's lease on the topic (local clock), or 0 without a lease. */
  leaseExpiresAtMs: number;
  /** First offset this member has not handled yet. */
  nextOffset: number;
  /** Batch whose handler call failed, to be delivered again unchanged. */
  pendingBatch: ConsumedRecord[] | undefined;
  failedAttempts: number;
  retryAtMs: number;
}

/**
 * Leases of one group member. A lease row per (group, topic) names the member that may consume
 * the topic until `expires_at_ms`. Other members take it only after it expired or was released.
 */
export class SqliteGroupLease {
  constructor(
    private readonly repository: SqliteLogRepository,
    private readonly groupId: string,
    readonly memberId: string,
    readonly leaseMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Returns whether this member has the lease on the topic. It takes a free or expired lease,
   * and then moves the cursor to the group's committed offset.
   */
  hold(cursor: TopicCursor): boolean {
    const nowMs = Date.now();
    if (cursor.leaseExpiresAtMs - nowMs > this.leaseMs / 2) return true;
    if (cursor.leaseExpiresAtMs > 0) return this.renew(cursor, nowMs);

    const holder = this.repository.leaseHolder(this.groupId, cursor.topicId);
    if (holder !== undefined && holder.memberId !== this.memberId && holder.expiresAtMs > nowMs) return false;
    if (!this.repository.acquireLease(this.groupId, cursor.topicId, this.memberId, nowMs, this.leaseMs))
      return false;

    cursor.leaseExpiresAtMs = nowMs + this.leaseMs;
    cursor.pendingBatch = undefined;
    cursor.failedAttempts = 0;
    cursor.nextOffset = this.startOffset(cursor, nowMs);
    this.log.info({ topic: cursor.topic, offset: cursor.nextOffset }, 'event log lease acquired');

    return true;
  }

  /** Marks the lease as lost, so the next hold() reads the committed offset again. */
  lose(cursor: TopicCursor): void {
    cursor.leaseExpiresAtMs = 0;
    cursor.pendingBatch = undefined;
    cursor.failedAttempts = 0;
    cursor.retryAtMs = 0;
    this.log.warn({ topic: cursor.topic }, 'event log lease lost to another group member');
  }

  /** Heartbeat: extends every lease the member has, so a handler may run longer than `leaseMs`. */
  renewAll(cursors: TopicCursor[]): void {
    try {
      const nowMs = Date.now();
      for (const cursor of cursors) {
        if (cursor.leaseExpiresAtMs > 0) this.renew(cursor, nowMs);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'event log lease renewal failed; retrying at the next heartbeat');
    }
  }

  releaseAll(): void {
    try {
      this.repository.releaseLeases(this.groupId, this.memberId);
    } catch (error) {
      this.log.warn({ err: error }, 'event log leases not released; they expire after leaseMs');
    }
  }

  private renew(cursor: TopicCursor, nowMs: number): boolean {
    if (this.repository.renewLease(this.groupId, cursor.topicId, this.memberId, nowMs, this.leaseMs)) {
      cursor.leaseExpiresAtMs = nowMs + this.leaseMs;

      return true;
    }

    this.lose(cursor);

    return false;
  }

  private startOffset(cursor: TopicCursor, nowMs: number): number {
    const committed = this.repository.committedOffset(this.groupId, cursor.topicId);
    if (committed !== undefined) return committed;

    const start = cursor.initialOffset ?? this.repository.topicBounds(cursor.topicId).earliestOffset;

    return this.repository.initCommittedOffset(this.groupId, cursor.topicId, start, nowMs);
  }
}
