import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { DateTime, IANAZone } from 'luxon';
import { resolveLocalTime } from './local-time.resolver';
import { formatValue } from './value.formatter';

/**
 * Numbers below this are epoch seconds and numbers at or above it epoch milliseconds.
 * 1e11 seconds is the year 5138 and 1e11 milliseconds is 1973-03-03, so together with the
 * 1990 lower bound no accepted number has two readings.
 */
export const EPOCH_MS_THRESHOLD = 1e11;

/** Earliest accepted time, 1990-01-01T00:00:00Z: earlier values come from unset device clocks. */
export const MIN_TIMESTAMP_MS = Date.UTC(1990, 0, 1);

/** How far a time may lie after `nowMs` before it is rejected as FUTURE_TIMESTAMP (5 minutes). */
export const DEFAULT_MAX_FUTURE_MS = 300_000;

/** Largest absolute epoch ms a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const OFFSET_SUFFIX = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const DATE_TIME_WITH_SPACE = /^(\d{4}-\d{2}-\d{2}) (\d)/;

export interface ParseTimestampOptions {
  /** IANA zone for local times without an offset; without it such times are rejected. */
  timeZone?: string;
  /** Current time, UTC epoch ms. */
  nowMs: number;
  /** Payload member the value came from, for the error. */
  field?: string;
  /** Tolerance after nowMs; default DEFAULT_MAX_FUTURE_MS. */
  maxFutureMs?: number;
}

/**
 * Parses a payload time to UTC epoch ms. Accepts ISO 8601 with `Z` or an offset, epoch
 * seconds or milliseconds as numbers or numeric strings (split at EPOCH_MS_THRESHOLD), and
 * local ISO times without offset, which are read in options.timeZone (see resolveLocalTime
 * for the daylight-saving rule). Throws RejectionError INVALID_TIMESTAMP, MISSING_TIME_ZONE
 * or FUTURE_TIMESTAMP, also for times before 1990 or more than maxFutureMs after nowMs.
 */
export function parseTimestamp(raw: unknown, options: ParseTimestampOptions): number {
  const timeMs = parseInstant(raw, options);
  checkTimeRange(timeMs, raw, options);

  return timeMs;
}

/** Parses like parseTimestamp, without the checks against 1990 and nowMs. */
export function parseInstant(raw: unknown, options: { timeZone?: string; field?: string }): number {
  if (typeof raw === 'number') {
    return epochToMs(raw, raw, options.field);
  }
  if (typeof raw !== 'string') {
    throw invalidTimestamp(raw, options.field, 'is neither an ISO 8601 string nor an epoch number');
  }

  const text = raw.trim();
  if (NUMERIC_TEXT.test(text)) {
    return epochToMs(Number(text), raw, options.field);
  }

  return parseIsoText(text.replace(DATE_TIME_WITH_SPACE, '$1T$2'), raw, options);
}

/**
 * Throws INVALID_TIMESTAMP for times before MIN_TIMESTAMP_MS and FUTURE_TIMESTAMP for times
 * more than options.maxFutureMs after options.nowMs.
 */
export function checkTimeRange(
  timeMs: number,
  raw: unknown,
  options: { nowMs: number; field?: string; maxFutureMs?: number },
): void {
  checkNotBefore1990(timeMs, raw, options.field);

  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (timeMs > options.nowMs + maxFutureMs) {
    throw new RejectionError(
      RejectionCode.FUTURE_TIMESTAMP,
      `Timestamp ${formatValue(raw)}${fieldSuffix(options.field)} resolves to ${new Date(timeMs).toISOString()}, ` +
        `more than ${maxFutureMs / 1000} s after the current time ${new Date(options.nowMs).toISOString()}; ` +
        'set the device clock, or the time zone in the device type if the device sends local times.',
      { field: options.field, details: { raw: formatValue(raw), timeMs, nowMs: options.nowMs } },
    );
  }
}

/** Throws INVALID_TIMESTAMP for times before MIN_TIMESTAMP_MS (1990-01-01T00:00:00Z). */
export function checkNotBefore1990(timeMs: number, raw: unknown, field: string | undefined): void {
  if (timeMs < MIN_TIMESTAMP_MS) {
    throw invalidTimestamp(
      raw,
      field,
      `resolves to ${new Date(timeMs).toISOString()}, before 1990-01-01T00:00:00Z; set the device clock or ` +
        'check whether the value is in seconds or milliseconds',
    );
  }
}

function epochToMs(value: number, raw: unknown, field: string | undefined): number {
  if (!Number.isFinite(value)) {
    throw invalidTimestamp(raw, field, 'is not a finite number');
  }

  const timeMs = Math.round(value < EPOCH_MS_THRESHOLD ? value * 1000 : value);
  if (Math.abs(timeMs) > MAX_DATE_MS) {
    throw invalidTimestamp(raw, field, 'lies outside the range of dates; send epoch seconds or milliseconds');
  }

  return timeMs;
}

function parseIsoText(text: string, raw: unknown, options: { timeZone?: string; field?: string }): number {
  // A leading year is required: luxon reads a bare time such as "12:30" as today, which would
  // silently invent a date.
  const parsed = /^\d{4}/.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : undefined;
  if (parsed === undefined || !parsed.isValid) {
    throw invalidTimestamp(
      raw,
      options.field,
      'is not an ISO 8601 time or epoch number; send e.g. 2024-05-01T12:00:00Z or epoch seconds',
    );
  }
  if (hasUtcOffset(text)) {
    return parsed.toMillis();
  }

  const zone = requireTimeZone(raw, options);
  const timeMs = resolveLocalTime(parsed.toMillis(), zone);
  if (timeMs === undefined) {
    throw invalidTimestamp(
      raw,
      options.field,
      `does not exist in time zone ${zone.name}, because the daylight-saving change skips that hour`,
    );
  }

  return timeMs;
}

function hasUtcOffset(text: string): boolean {
  const timeStart = text.search(/[Tt]/);

  return timeStart >= 0 && OFFSET_SUFFIX.test(text.slice(timeStart + 1));
}

function requireTimeZone(raw: unknown, options: { timeZone?: string; field?: string }): IANAZone {
  if (options.timeZone === undefined || options.timeZone === '') {
    throw new RejectionError(
      RejectionCode.MISSING_TIME_ZONE,
      `Timestamp ${formatValue(raw)}${fieldSuffix(options.field)} is a local time without UTC offset and ` +
        'no time zone is configured; set timeZone in the device type (e.g. Europe/Berlin) or send the offset.',
      { field: options.field, details: { raw: formatValue(raw) } },
    );
  }

  const zone = IANAZone.create(options.timeZone);
  if (!zone.isValid) {
    // MISSING_TIME_ZONE, because no usable zone exists for the local time and the fix is the same.
    throw new RejectionError(
      RejectionCode.MISSING_TIME_ZONE,
      `Timestamp ${formatValue(raw)}${fieldSuffix(options.field)} is a local time, but the device type's ` +
        `timeZone '${options.timeZone}' is not an IANA time zone; set it to a zone such as Europe/Berlin.`,
      { field: options.field, details: { raw: formatValue(raw), timeZone: options.timeZone } },
    );
  }

  return zone;
}

function invalidTimestamp(raw: unknown, field: string | undefined, reason: string): RejectionError {
  return new RejectionError(
    RejectionCode.INVALID_TIMESTAMP,
    `Timestamp ${formatValue(raw)}${fieldSuffix(field)} ${reason}.`,
    { field, details: { raw: formatValue(raw) } },
  );
}

function fieldSuffix(field: string | undefined): string {
  return field === undefined ? '' : ` in '${field}'`;
}
