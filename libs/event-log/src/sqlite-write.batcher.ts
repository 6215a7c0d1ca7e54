import { AppError, ErrorCode } from '@stadtdaten/contracts';

import type { LogRecord } from './event-log.port';
import type { LogWrite, SqliteLogRepository } from './sqlite-log.repository';

interface QueuedWrite {
  write: LogWrite;
  resolve: (applied: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: collects the appends and offset commits issued while the event loop is busy
 * and writes them in one transaction. The flush runs in the next `setImmediate` phase, or
 * `windowMs` later when that is above 0. Each promise settles after that transaction
 * committed or failed.
 */
export class SqliteWriteBatcher {
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly repository: SqliteLogRepository,
    private readonly onRecordsAppended: () => void,
    private readonly windowMs: number,
  ) {}

  async append(topic: string, records: LogRecord[]): Promise<void> {
    await this.enqueue({ kind: 'append', topic, records, appendedAtMs: Date.now() });
  }

  /** Resolves to false when the member no longer holds the lease, so nothing was committed. */
  commit(
    groupId: string,
    topicId: number,
    memberId: string,
    nextOffset: number,
    leaseMs: number,
  ): Promise<boolean> {
    return this.enqueue({ kind: 'commit', groupId, topicId, memberId, nextOffset, leaseMs });
  }

  /** Rejects further writes and resolves once the writes already queued are committed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0) return;

    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(write: LogWrite): Promise<boolean> {
    if (this.closed) {
      return Promise.reject(
        new AppError(ErrorCode.UNAVAILABLE, 'event log is closed; writes are rejected after close()'),
      );
    }

    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;

    this.flushScheduled = true;
    if (this.windowMs > 0) {
      setTimeout(() => this.flush(), this.windowMs);
    } else {
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queue;
    this.queue = [];

    try {
      const applied = this.repository.applyWrites(
        queued.map((entry) => entry.write),
        Date.now(),
      );
      queued.forEach((entry, index) => entry.resolve(applied[index]));
      if (queued.some((entry) => entry.write.kind === 'append')) this.onRecordsAppended();
    } catch (error) {
      const failure = new AppError(
        ErrorCode.UNAVAILABLE,
        'event log write failed; the writes were rolled back, retry them',
        {
          cause: error,
          retriable: true,
        },
      );
      queued.forEach((entry) => entry.reject(failure));
    }

    this.releaseIdleWaiters();
  }

  private releaseIdleWaiters(): void {
    if (this.queue.length > 0) return;

    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
