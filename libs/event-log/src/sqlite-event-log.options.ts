import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { pino, type Logger } from 'pino';

export interface SqliteEventLogOptions {
  /** SQLite file of the log. The file and its folder are created when missing. */
  path: string;
  /** Interval in which subscriptions look for records appended by other processes. Default 100 ms. */
  pollIntervalMs?: number;
  /** Age after which records that every group has committed are deleted. Default 7 days. */
  retentionMs?: number;
  /**
   * SQLite `synchronous` setting, default FULL. FULL makes every append durable against power
   * loss, NORMAL only against a crash of the process (see applyLogSchema). FULL stays the default
   * because it cost little: tools/bench/event-log.bench.mjs on a 2-core VM measured its pipeline
   * at 48,000 to 63,000 records/s with FULL and 52,000 to 68,000 with NORMAL (3 runs each).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Lifetime of a group member's lease on a topic. Another member takes over a lease not renewed in time. Default 10,000 ms. */
  leaseMs?: number;
  /** Interval of the retention pruning. Default 60,000 ms. */
  pruneIntervalMs?: number;
  /** Maximum number of records one pruning run deletes per topic. Default 10,000. */
  maxPrunedPerRun?: number;
  /**
   * Extra time appends wait to share a transaction. The default 0 lets appends issued before the next
   * setImmediate phase share one. A window of 2 ms lowered throughput in the same benchmark.
   */
  groupCommitWindowMs?: number;
  /** Time close() waits for running handlers before it closes the file anyway. Default 30,000 ms. */
  closeTimeoutMs?: number;
  /** Time a write waits for another process's write lock. Default 5,000 ms. */
  busyTimeoutMs?: number;
  /** Logger for lifecycle lines, retries and errors. Default: a new pino logger named event-log. */
  logger?: Logger;
}

export type SqliteEventLogSettings = Required<SqliteEventLogOptions>;

const DAY_MS = 86_400_000;

/** Applies the defaults and rejects values that are not usable, naming the option. */
export function resolveSqliteEventLogOptions(options: SqliteEventLogOptions): SqliteEventLogSettings {
  if (typeof options.path !== 'string' || options.path.length === 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      'event log path is missing; pass the path of the SQLite file',
    );
  }
  if (
    options.synchronous !== undefined &&
    options.synchronous !== 'FULL' &&
    options.synchronous !== 'NORMAL'
  ) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `invalid event log synchronous setting ${JSON.stringify(options.synchronous)}; use FULL or NORMAL`,
    );
  }

  return {
    path: options.path,
    synchronous: options.synchronous ?? 'FULL',
    pollIntervalMs: positiveInteger('pollIntervalMs', options.pollIntervalMs, 100),
    retentionMs: positiveInteger('retentionMs', options.retentionMs, 7 * DAY_MS),
    leaseMs: positiveInteger('leaseMs', options.leaseMs, 10_000),
    pruneIntervalMs: positiveInteger('pruneIntervalMs', options.pruneIntervalMs, 60_000),
    maxPrunedPerRun: positiveInteger('maxPrunedPerRun', options.maxPrunedPerRun, 10_000),
    groupCommitWindowMs: nonNegativeInteger('groupCommitWindowMs', options.groupCommitWindowMs, 0),
    closeTimeoutMs: positiveInteger('closeTimeoutMs', options.closeTimeoutMs, 30_000),
    busyTimeoutMs: nonNegativeInteger('busyTimeoutMs', options.busyTimeoutMs, 5_000),
    logger: options.logger ?? pino({ name: 'event-log' }),
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value > 0) return value;

  throw new AppError(
    ErrorCode.INVALID_CONFIG,
    `invalid event log option ${name}=${value}; use a positive integer`,
  );
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value >= 0) return value;

  throw new AppError(
    ErrorCode.INVALID_CONFIG,
    `invalid event log option ${name}=${value}; use an integer of 0 or more`,
  );
}
