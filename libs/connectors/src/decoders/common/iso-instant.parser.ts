import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { wallClockMs } from './wall-clock.parser';

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const MINUTE_MS = 60_000;

/**
 * Parses an ISO 8601 date-time such as `2024-06-27T13:18:00+02:00` or
 * `2026-01-16T11:40:32.421233+01:00` (digits after the milliseconds are dropped). A time
 * without offset is read in `zone` with resolveLocalTime's rule (first occurrence in the
 * repeated autumn hour). Unlike parseTimestamp from @stadtdaten/formats it accepts future
 * times, because schedules and forecasts lie ahead. Returns undefined for other text, for
 * impossible fields and for a local time that the spring change skips.
 */
export function parseIsoInstant(text: string, zone: IANAZone): number | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (match === null) {
    return undefined;
  }

  const [, year, month, day, hour, minute, second = '0', fraction = '', offset] = match;
  const wallMs = wallClockMs(
    { year: Number(year), month: Number(month), day: Number(day) },
    { hour: Number(hour), minute: Number(minute) },
  );
  if (wallMs === undefined || Number(second) > 59) {
    return undefined;
  }

  const fullWallMs = wallMs + Number(second) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  if (offset === undefined) {
    return resolveLocalTime(fullWallMs, zone);
  }

  return fullWallMs - offsetMinutes(offset) * MINUTE_MS;
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') {
    return 0;
  }

  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));

  return offset.startsWith('-') ? -minutes : minutes;
}
