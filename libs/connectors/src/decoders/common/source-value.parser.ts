import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { parseTimestamp } from '@stadtdaten/formats';
import type { SourceDecodeContext, SourceGeometry } from '../source-decoder.interface';

export type JsonObject = Record<string, unknown>;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const GEOMETRY_TYPES: ReadonlySet<string> = new Set(['Point', 'LineString', 'Polygon', 'MultiPolygon']);

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a source time to UTC epoch ms with parseTimestamp from @stadtdaten/formats: ISO 8601
 * with offset, epoch seconds or milliseconds, or a local time read in ctx.timeZone. Throws
 * RejectionError INVALID_TIMESTAMP (also before 1990), MISSING_TIME_ZONE or FUTURE_TIMESTAMP
 * (more than 5 minutes after ctx.nowMs).
 */
export function parseSourceTime(raw: unknown, ctx: SourceDecodeContext, member: string): number {
  return parseTimestamp(raw, { timeZone: ctx.timeZone, nowMs: ctx.nowMs, field: member });
}

/**
 * Parses an ISO 8601 instant or a `start/end` interval and returns the end of an interval,
 * because a value that describes an interval is complete only at its end. Throws like
 * parseSourceTime, and INVALID_TIMESTAMP for a `start/duration` interval.
 */
export function parseSourceTimeOrIntervalEnd(raw: unknown, ctx: SourceDecodeContext, member: string): number {
  if (typeof raw !== 'string' || !raw.includes('/')) {
    return parseSourceTime(raw, ctx, member);
  }

  const end = raw.slice(raw.indexOf('/') + 1).trim();
  if (!/^\d{4}/.test(end)) {
    throw new RejectionError(
      RejectionCode.INVALID_TIMESTAMP,
      `Interval '${raw}' in '${member}' has no end time; send it as <start>/<end> in ISO 8601.`,
      { field: member, details: { raw } },
    );
  }

  return parseSourceTime(end, ctx, member);
}

/**
 * Parses decimal text such as `12`, `-3.5` or `1e3`; with `decimalComma` a single comma is
 * the decimal mark (`49,872`). Returns undefined for anything else, including thousands
 * separators and empty text.
 */
export function parseDecimalText(text: string, options: { decimalComma?: boolean } = {}): number | undefined {
  let normalized = text.trim();
  if (options.decimalComma === true && !normalized.includes('.')) {
    normalized = normalized.replace(',', '.');
  }
  if (!DECIMAL.test(normalized)) {
    return undefined;
  }

  const value = Number(normalized);

  return Number.isFinite(value) ? value : undefined;
}

/** Parses integer text such as `12` or `-3`; returns undefined for anything else. */
export function parseIntegerText(text: string): number | undefined {
  const normalized = text.trim();
  if (!INTEGER.test(normalized)) {
    return undefined;
  }

  const value = Number(normalized);

  return Number.isSafeInteger(value) ? value : undefined;
}

/** GeoJSON Point in WGS 84, or undefined when either coordinate is out of range. */
export function pointGeometry(longitude: number, latitude: number): SourceGeometry | undefined {
  const valid =
    Number.isFinite(longitude) &&
    Number.isFinite(latitude) &&
    Math.abs(longitude) <= 180 &&
    Math.abs(latitude) <= 90;

  return valid ? { type: 'Point', coordinates: [longitude, latitude] } : undefined;
}

/**
 * Returns `value` as a SourceGeometry when it is a GeoJSON Point, LineString, Polygon or
 * MultiPolygon object with a coordinates array. A Point must have two finite coordinates in
 * range. Returns undefined for anything else.
 */
export function readGeoJsonGeometry(value: unknown): SourceGeometry | undefined {
  if (!isJsonObject(value) || typeof value.type !== 'string' || !GEOMETRY_TYPES.has(value.type)) {
    return undefined;
  }
  if (!Array.isArray(value.coordinates)) {
    return undefined;
  }
  if (value.type === 'Point') {
    const [longitude, latitude] = value.coordinates;

    return typeof longitude === 'number' && typeof latitude === 'number'
      ? pointGeometry(longitude, latitude)
      : undefined;
  }

  return { type: value.type as SourceGeometry['type'], coordinates: value.coordinates };
}

/**
 * Converts a fraction (0.54) to percent (54), rounded to 12 significant digits so that binary
 * rounding does not show (0.54 * 100 is 54.00000000000001 in floating point).
 */
export function fractionToPercent(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}
