import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

const REPEAT_WINDOW_MS = 60_000;
const LOGGED_REPEATS_PER_WINDOW = 3;
/** Size of the repeat table above which entries of ended windows are removed. */
const MAX_TRACKED_MESSAGES = 500;

/**
 * kafkajs warns at every connect of an idempotent producer whose retries are limited. The adapter
 * limits them on purpose (option sendRetries), so that line is dropped.
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

/** kafkajs level that lets through what the pino logger would print. */
export function kafkaLogLevel(logger: Logger): logLevel {
  return logger.isLevelEnabled('debug') ? logLevel.INFO : logLevel.WARN;
}

/**
 * Routes kafkajs log lines to pino. kafkajs logs expected states of a consumer group as ERROR
 * (for example REBALANCE_IN_PROGRESS on a heartbeat) and retries them itself, so ERROR and WARN
 * become warn, and INFO and DEBUG become debug. A line with the same namespace and message is
 * logged at most three times per minute, and the next logged line carries the number of dropped
 * repeats.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const repeats = new Map<string, { windowStartMs: number; count: number; dropped: number }>();

  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      if (EXPECTED_WARNINGS.some((expected) => message.startsWith(expected))) return;

      const key = `${namespace}\n${message}`;
      const nowMs = Date.now();
      let entry = repeats.get(key);
      if (entry === undefined || nowMs - entry.windowStartMs > REPEAT_WINDOW_MS) {
        if (repeats.size >= MAX_TRACKED_MESSAGES) removeEndedWindows(repeats, nowMs);
        entry = { windowStartMs: nowMs, count: 0, dropped: entry?.dropped ?? 0 };
        repeats.set(key, entry);
      }
      entry.count += 1;
      if (entry.count > LOGGED_REPEATS_PER_WINDOW) {
        entry.dropped += 1;

        return;
      }

      const droppedRepeats = entry.dropped;
      entry.dropped = 0;
      const line = { namespace, ...fields, ...(droppedRepeats > 0 ? { droppedRepeats } : {}) };
      if (level === logLevel.ERROR || level === logLevel.WARN) {
        kafkaLogger.warn(line, message);
      } else {
        kafkaLogger.debug(line, message);
      }
    };
}

function removeEndedWindows(repeats: Map<string, { windowStartMs: number }>, nowMs: number): void {
  for (const [key, entry] of repeats) {
    if (nowMs - entry.windowStartMs > REPEAT_WINDOW_MS) repeats.delete(key);
  }
}
