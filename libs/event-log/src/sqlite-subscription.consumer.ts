import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { ConsumedRecord, SubscribeOptions, Subscription } from './event-log.port';
import { SqliteGroupLease, type TopicCursor } from './sqlite-group.lease';
import type { RecordRow, SqliteLogRepository } from './sqlite-log.repository';
import type { SqliteWriteBatcher } from './sqlite-write.batcher';
import { topicMatcher } from './topic.matcher';

export interface ConsumerSettings {
  pollIntervalMs: number;
  leaseMs: number;
  logger: Logger;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * One member of a consumer group on the embedded log. It delivers one batch at a time and visits
 * its topics in turn. It handles a topic only while it has the group's lease on that topic, so
 * two members of a group do not handle records of one topic at once (see the NOTE on SqliteEventLog).
 */
export class SqliteSubscription implements Subscription {
  private readonly lease: SqliteGroupLease;
  private readonly cursors: TopicCursor[] = [];
  private readonly matchesTopic: (topic: string) => boolean;
  private readonly log: Logger;
  private lastSeenTopicId = 0;
  private initialDiscoveryDone = false;
  private stopRequested = false;
  private wakeRequested = false;
  private endIdle: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private consecutiveRoundFailures = 0;

  constructor(
    private readonly repository: SqliteLogRepository,
    private readonly batcher: SqliteWriteBatcher,
    private readonly options: SubscribeOptions,
    private readonly settings: ConsumerSettings,
  ) {
    this.matchesTopic = topicMatcher(options.topics);
    const memberId = randomUUID();
    this.log = settings.logger.child({ groupId: options.groupId, memberId });
    this.lease = new SqliteGroupLease(repository, options.groupId, memberId, settings.leaseMs, this.log);
  }

  /** Takes a snapshot of the existing topics and starts the delivery loop. */
  start(): void {
    this.discoverTopics();
    const heartbeatMs = Math.max(1, Math.floor(this.settings.leaseMs / 3));
    this.heartbeat = setInterval(() => this.lease.renewAll(this.cursors), heartbeatMs);
    this.heartbeat.unref();
    this.running = this.run();
  }

  /** Ends the idle wait, so records appended in this process are fetched at once. */
  wake(): void {
    this.wakeRequested = true;
    this.endIdle?.();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wake();
    await this.running;
    clearInterval(this.heartbeat);
    this.lease.releaseAll();
  }

  /** Stops the heartbeat of a subscription whose handler outlived close(), so its leases expire. */
  abandon(): void {
    this.stopRequested = true;
    clearInterval(this.heartbeat);
  }

  async lag(): Promise<number> {
    this.discoverTopics();
    let total = 0;
    for (const cursor of this.cursors) {
      const { earliestOffset, nextOffset } = this.repository.topicBounds(cursor.topicId);
      const committed =
        this.repository.committedOffset(this.options.groupId, cursor.topicId) ??
        cursor.initialOffset ??
        earliestOffset;
      total += Math.max(0, nextOffset - Math.max(committed, earliestOffset));
    }

    return total;
  }

  private async run(): Promise<void> {
    while (!this.stopRequested) {
      let delivered = false;
      try {
        this.discoverTopics();
        delivered = await this.deliverRound();
        this.consecutiveRoundFailures = 0;
      } catch (error) {
        this.consecutiveRoundFailures += 1;
        if (shouldLogAttempt(this.consecutiveRoundFailures)) {
          this.log.error(
            { err: error, failures: this.consecutiveRoundFailures },
            'event log subscription round failed; retrying after the poll interval',
          );
        }
      }

      if (!delivered) await this.idle();
    }
  }

  /** Delivers at most one batch per topic, and returns whether any batch was handled and committed. */
  private async deliverRound(): Promise<boolean> {
    const nextOffsets = this.repository.nextOffsets();
    let delivered = false;
    for (const cursor of this.cursors) {
      if (this.stopRequested) break;
      if (!this.mayHaveWork(cursor, nextOffsets.get(cursor.topicId) ?? 0)) continue;
      if (!this.lease.hold(cursor)) continue;

      const batch = cursor.pendingBatch ?? this.fetchBatch(cursor);
      if (batch.length === 0) continue;

      if (await this.deliver(cursor, batch)) delivered = true;
    }

    return delivered;
  }

  /**
   * Skips topics in backoff and leased topics without new records, so a round over many idle
   * topics costs one query. A topic without the lease is always checked, because its position
   * is known only after the lease is taken.
   */
  private mayHaveWork(cursor: TopicCursor, topicNextOffset: number): boolean {
    if (cursor.retryAtMs > Date.now()) return false;
    if (cursor.pendingBatch !== undefined || cursor.leaseExpiresAtMs === 0) return true;

    return topicNextOffset > cursor.nextOffset;
  }

  private async deliver(cursor: TopicCursor, batch: ConsumedRecord[]): Promise<boolean> {
    try {
      await this.options.handler(batch);
    } catch (error) {
      this.scheduleRetry(cursor, batch, error);

      return false;
    }

    const nextOffset = Number(batch[batch.length - 1].offset) + 1;
    cursor.pendingBatch = undefined;
    cursor.failedAttempts = 0;
    cursor.retryAtMs = 0;

    try {
      const { memberId, leaseMs } = this.lease;
      const committed = await this.batcher.commit(
        this.options.groupId,
        cursor.topicId,
        memberId,
        nextOffset,
        leaseMs,
      );
      if (!committed) {
        this.lease.lose(cursor);

        return false;
      }
    } catch (error) {
      // The next lease check reads the committed offset again, so the batch is delivered again.
      cursor.leaseExpiresAtMs = 0;
      this.log.warn(
        { err: error, topic: cursor.topic, nextOffset },
        'event log commit failed; batch will be delivered again',
      );

      return false;
    }

    cursor.nextOffset = nextOffset;

    return true;
  }

  private scheduleRetry(cursor: TopicCursor, batch: ConsumedRecord[], error: unknown): void {
    cursor.pendingBatch = batch;
    cursor.failedAttempts += 1;
    const retryInMs = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (cursor.failedAttempts - 1));
    cursor.retryAtMs = Date.now() + retryInMs;

    if (shouldLogAttempt(cursor.failedAttempts)) {
      this.log.warn(
        {
          err: error,
          topic: cursor.topic,
          firstOffset: batch[0].offset,
          lastOffset: batch[batch.length - 1].offset,
          attempt: cursor.failedAttempts,
          retryInMs,
        },
        'event log handler failed; batch will be delivered again',
      );
    }
  }

  private fetchBatch(cursor: TopicCursor): ConsumedRecord[] {
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const rows = this.repository.fetchRecords(cursor.topicId, cursor.nextOffset, maxBatchSize);

    return rows.map((row) => toConsumedRecord(cursor.topic, row));
  }

  /** Adds cursors for matching topics created since the last call, including those of other processes. */
  private discoverTopics(): void {
    for (const topic of this.repository.topicsAfter(this.lastSeenTopicId)) {
      this.lastSeenTopicId = topic.id;
      if (!this.matchesTopic(topic.name)) continue;

      // Topics created after the subscription always start at their first record, so none is skipped.
      const startAtEnd = this.options.fromBeginning === false && !this.initialDiscoveryDone;
      this.cursors.push({
        topicId: topic.id,
        topic: topic.name,
        initialOffset: startAtEnd ? this.repository.topicBounds(topic.id).nextOffset : undefined,
        leaseExpiresAtMs: 0,
        nextOffset: 0,
        pendingBatch: undefined,
        failedAttempts: 0,
        retryAtMs: 0,
      });
    }
    this.initialDiscoveryDone = true;
  }

  /** Waits for a local append, the poll interval or the next retry, whichever comes first. */
  private idle(): Promise<void> {
    if (this.wakeRequested || this.stopRequested) {
      this.wakeRequested = false;

      return Promise.resolve();
    }

    const retryAtMs = Math.min(
      ...this.cursors.map((cursor) => (cursor.pendingBatch ? cursor.retryAtMs : Infinity)),
    );
    const delayMs = Math.max(1, Math.min(this.settings.pollIntervalMs, retryAtMs - Date.now()));

    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.endIdle?.(), delayMs);
      this.endIdle = () => {
        clearTimeout(timer);
        this.endIdle = undefined;
        this.wakeRequested = false;
        resolve();
      };
    });
  }
}

function toConsumedRecord(topic: string, row: RecordRow): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: String(row.record_offset),
    key: row.key,
    value: row.value,
    headers: row.headers === null ? {} : (JSON.parse(row.headers) as Record<string, string>),
    timestampMs: row.timestamp_ms,
  };
}

/** Logs the first three attempts and every tenth after them. */
function shouldLogAttempt(attempt: number): boolean {
  return attempt <= 3 || attempt % 10 === 0;
}
