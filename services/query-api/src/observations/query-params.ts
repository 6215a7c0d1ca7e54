import { AGGREGATES, type Aggregate, AppError, ErrorCode } from '@stadtdaten/contracts';

const INTERVALS_MS: Record<string, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '1d': 86_400_000,
};

export const INTERVAL_NAMES = Object.keys(INTERVALS_MS);

const DAY_MS = 86_400_000;

/**
 * Earliest and latest accepted times (years 0000 to 9999, as ISO 8601 writes them with four
 * digits), in epoch milliseconds. A day before the earliest one is still a valid Date, so the
 * default range before "to" stays printable.
 */
const MIN_TIME_MS = Date.parse('0000-01-01T00:00:00Z');
const MAX_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Maximum number of raw observations one JSON response returns. */
export const MAX_RAW_LIMIT = 10_000;

/** Reads a time parameter: ISO 8601 with offset, or epoch milliseconds. */
export function parseTimeParam(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined || value === '') {
    return fallbackMs;
  }
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms) || (!/^-?\d+$/.test(value) && !/(Z|[+-]\d\d:?\d\d)$/i.test(value))) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "${name}" = "${value}" is not a time: use ISO 8601 with offset (2026-12-04T10:00:00Z) or epoch milliseconds`,
    );
  }
  if (ms < MIN_TIME_MS || ms > MAX_TIME_MS) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "${name}" = "${value}" is outside the supported range: use a time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z`,
    );
  }

  return ms;
}

export function parseInterval(value: string): number {
  const ms = INTERVALS_MS[value];
  if (ms === undefined) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "interval" = "${value}" is not supported: use one of ${INTERVAL_NAMES.join(', ')}`,
    );
  }

  return ms;
}

export function parseAggregate(value: string): Aggregate {
  if (!(AGGREGATES as readonly string[]).includes(value)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "aggregate" = "${value}" is not supported: use one of ${AGGREGATES.join(', ')}`,
    );
  }

  return value as Aggregate;
}

export function parseLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "limit" = "${value}" is invalid: use a whole number from 1 to ${max}`,
    );
  }

  return limit;
}

/** Reads from/to with a default range of the last 24 hours, and checks their order. */
export function parseRange(from: string | undefined, to: string | undefined, nowMs: number) {
  const toMs = parseTimeParam('to', to, nowMs);
  const fromMs = parseTimeParam('from', from, toMs - DAY_MS);
  if (fromMs >= toMs) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `parameter "from" (${new Date(fromMs).toISOString()}) must be before "to" (${new Date(toMs).toISOString()})`,
    );
  }

  return { fromMs, toMs };
}
