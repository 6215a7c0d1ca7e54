import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { AppError, ErrorCode } from '@stadtdaten/contracts';

import {
  EventLog,
  type LogRecord,
  type SubscribeOptions,
  type Subscription,
  type TopicOptions,
} from './event-log.port';
import { validateRecords, validateSubscribeOptions, validateTopicName } from './event-log.validation';
import { notifyLocalAppend, onLocalAppend } from './local-append.notifier';
import {
  resolveSqliteEventLogOptions,
  type SqliteEventLogOptions,
  type SqliteEventLogSettings,
} from './sqlite-event-log.options';
import { SqliteLogRepository } from './sqlite-log.repository';
import { SqliteSubscription } from './sqlite-subscription.consumer';
import { SqliteWriteBatcher } from './sqlite-write.batcher';

interface OpenLog {
  repository: SqliteLogRepository;
  batcher: SqliteWriteBatcher;
  removeAppendListener: () => void;
  pruneTimer: NodeJS.Timeout;
}

/**
 * Event log in one SQLite file (WAL mode), for running the platform without Kafka.
 * Each topic has one partition (0). Appends that arrive while the event loop is busy share
 * one transaction, and `append()` resolves after that transaction committed.
 *
 * NOTE: several processes may open the same file, on one host only (WAL needs shared memory, so
 * no network file systems). Within a group, one member at a time consumes a topic, and the others
 * wait until its lease ends (stop) or expires (crash, after `leaseMs`). The lease is renewed by
 * a timer, so a handler that blocks the event loop for longer than `leaseMs` can lose it while
 * it still runs. Another member can then take over and handle the same records concurrently.
 */
export class SqliteEventLog extends EventLog {
  private readonly settings: SqliteEventLogSettings;
  private readonly subscriptions = new Set<SqliteSubscription>();
  private open: OpenLog | undefined;
  /** Set once close() started. Appends remain possible until the running handlers finished. */
  private closing: Promise<void> | undefined;

  constructor(options: SqliteEventLogOptions) {
    super();
    this.settings = resolveSqliteEventLogOptions(options);
  }

  override async connect(): Promise<void> {
    if (this.open !== undefined) return;
    if (this.closing !== undefined) throw closedError();

    const { path, synchronous, busyTimeoutMs, groupCommitWindowMs, pruneIntervalMs } = this.settings;
    let repository: SqliteLogRepository;
    try {
      mkdirSync(dirname(path), { recursive: true });
      repository = new SqliteLogRepository(path, synchronous, busyTimeoutMs);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `event log file ${path} could not be opened; check the path and its permissions`,
        {
          cause: error,
        },
      );
    }

    const batcher = new SqliteWriteBatcher(repository, () => notifyLocalAppend(path), groupCommitWindowMs);
    const removeAppendListener = onLocalAppend(path, () =>
      this.subscriptions.forEach((subscription) => subscription.wake()),
    );
    const pruneTimer = setInterval(() => this.pruneExpired(), pruneIntervalMs);
    pruneTimer.unref();
    this.open = { repository, batcher, removeAppendListener, pruneTimer };
    this.settings.logger.info({ path, synchronous }, 'event log opened');
  }

  override async ensureTopics(topics: string[], _options?: TopicOptions): Promise<void> {
    const { repository } = this.requireOpen();
    topics.forEach((topic) => validateTopicName(topic));

    // NOTE: partitions and replicationFactor are ignored, because every topic of this log has one partition.
    repository.ensureTopics(topics, Date.now());
  }

  override async append(topic: string, records: LogRecord[]): Promise<void> {
    const { batcher } = this.requireOpen();
    validateTopicName(topic);
    validateRecords(topic, records);
    if (records.length === 0) return;

    await batcher.append(topic, records);
  }

  override async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { repository, batcher } = this.requireOpen();
    if (this.closing !== undefined) throw closedError();
    validateSubscribeOptions(options);

    const { pollIntervalMs, leaseMs, logger } = this.settings;
    const subscription = new SqliteSubscription(repository, batcher, options, {
      pollIntervalMs,
      leaseMs,
      logger,
    });
    this.subscriptions.add(subscription);
    subscription.start();
    logger.info({ groupId: options.groupId, topics: String(options.topics) }, 'event log subscribed');

    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
        logger.info({ groupId: options.groupId }, 'event log subscription stopped');
      },
      lag: () => subscription.lag(),
    };
  }

  override async isHealthy(): Promise<boolean> {
    if (this.open === undefined || this.closing !== undefined) return false;

    try {
      return this.open.repository.ping();
    } catch {
      return false;
    }
  }

  /** Stops the subscriptions, commits what their handlers finished, and closes the file. */
  override close(): Promise<void> {
    if (this.open === undefined) return Promise.resolve();

    this.closing ??= this.closeOpenLog(this.open);

    return this.closing;
  }

  /**
   * Deletes records older than `retentionMs` that every group with a stored position has
   * committed, at most `maxPrunedPerRun` per topic. Runs every `pruneIntervalMs` and returns the
   * number of deleted records.
   *
   * NOTE: a group that stopped consuming for good keeps its position, so it blocks pruning of its
   * topics until its rows in `group_offsets` are deleted.
   */
  pruneExpired(nowMs = Date.now()): number {
    if (this.open === undefined || this.closing !== undefined) return 0;

    try {
      const deleted = this.open.repository.pruneRecords(
        nowMs - this.settings.retentionMs,
        this.settings.maxPrunedPerRun,
      );
      if (deleted > 0) this.settings.logger.info({ deleted }, 'event log records pruned');

      return deleted;
    } catch (error) {
      this.settings.logger.warn({ err: error }, 'event log pruning failed; retrying at the next interval');

      return 0;
    }
  }

  private async closeOpenLog({
    repository,
    batcher,
    removeAppendListener,
    pruneTimer,
  }: OpenLog): Promise<void> {
    clearInterval(pruneTimer);
    await this.stopSubscriptions();
    await batcher.close();
    removeAppendListener();
    repository.close();
    this.open = undefined;
    this.settings.logger.info({ path: this.settings.path }, 'event log closed');
  }

  private async stopSubscriptions(): Promise<void> {
    const stopped = Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.settings.closeTimeoutMs);
    });

    const outcome = await Promise.race([stopped, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.subscriptions.forEach((subscription) => subscription.abandon());
      this.settings.logger.warn(
        { closeTimeoutMs: this.settings.closeTimeoutMs },
        'event log closed while handlers were still running; their batches will be delivered again',
      );
    }
    this.subscriptions.clear();
  }

  /** Returns the open file, which stays open for appends while close() waits for running handlers. */
  private requireOpen(): OpenLog {
    if (this.open === undefined) {
      if (this.closing !== undefined) throw closedError();
      throw new AppError(ErrorCode.UNAVAILABLE, 'event log is not connected; call connect() first');
    }

    return this.open;
  }
}

function closedError(): AppError {
  return new AppError(
    ErrorCode.UNAVAILABLE,
    'event log is closed; create a new SqliteEventLog to open the file again',
  );
}
