import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** A calendar date without time zone. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A time of day; `hour` 24 with minute 0 is the end of the day, as some sources write it. */
export interface ClockTime {
  hour: number;
  minute: number;
}

const MONTH_ABBREVIATIONS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/**
 * Wall-clock time written as if it were UTC (Date.UTC of its fields), the form that
 * resolveLocalTime from @stadtdaten/formats reads. `24:00` becomes 00:00 of the next day.
 * Returns undefined for impossible fields (30 February, 25:00, 24:30).
 */
export function wallClockMs(
  date: CalendarDate,
  time: ClockTime = { hour: 0, minute: 0 },
): number | undefined {
  const validTime =
    Number.isInteger(time.hour) &&
    Number.isInteger(time.minute) &&
    time.minute >= 0 &&
    time.minute < 60 &&
    time.hour >= 0 &&
    (time.hour < 24 || (time.hour === 24 && time.minute === 0));
  if (!validTime || !isCalendarDate(date)) {
    return undefined;
  }

  return Date.UTC(date.year, date.month - 1, date.day) + time.hour * HOUR_MS + time.minute * MINUTE_MS;
}

function isCalendarDate(date: CalendarDate): boolean {
  const dayMs = Date.UTC(date.year, date.month - 1, date.day);
  const check = new Date(dayMs);

  return (
    date.year >= 1000 &&
    check.getUTCFullYear() === date.year &&
    check.getUTCMonth() === date.month - 1 &&
    check.getUTCDate() === date.day
  );
}

/** Reads `2022-10-24`; undefined for other text. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());

  return match === null
    ? undefined
    : { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Reads `24.10.2022`; undefined for other text. */
export function parseGermanDate(text: string): CalendarDate | undefined {
  const match = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text.trim());

  return match === null
    ? undefined
    : { year: Number(match[3]), month: Number(match[2]), day: Number(match[1]) };
}

/** Reads `Jan 1, 2022` and `Oct 30, 2022`; undefined for other text. */
export function parseEnglishDate(text: string): CalendarDate | undefined {
  const match = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})$/.exec(text.trim());
  const month = match === null ? -1 : MONTH_ABBREVIATIONS.indexOf(match[1].toLowerCase());
  if (match === null || month === -1) {
    return undefined;
  }

  return { year: Number(match[3]), month: month + 1, day: Number(match[2]) };
}

/** Reads `01:00` or `24:00` (24-hour clock); undefined for other text. */
export function parseClockTime(text: string): ClockTime | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());

  return match === null ? undefined : { hour: Number(match[1]), minute: Number(match[2]) };
}

/** Reads `12:00 AM` or `1:15 PM` (12-hour clock); undefined for other text. */
export function parseTwelveHourTime(text: string): ClockTime | undefined {
  const match = /^(\d{1,2}):(\d{2}) ?([AaPp][Mm])$/.exec(text.trim());
  if (match === null || Number(match[1]) < 1 || Number(match[1]) > 12) {
    return undefined;
  }

  const hourOnDial = Number(match[1]) % 12;
  const afternoon = match[3].toLowerCase() === 'pm';

  return { hour: afternoon ? hourOnDial + 12 : hourOnDial, minute: Number(match[2]) };
}

/** `2022-10-30 02:00` for messages about a wall-clock time. */
export function formatWallClock(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Returns the IANA zone named by the connector's `timeZone`. Throws AppError INVALID_CONFIG for an
 * unknown name, because every local time of the input would be wrong.
 */
export function requireTimeZone(timeZone: string, decoderName: string): IANAZone {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `Decoder ${decoderName} got the unknown time zone '${timeZone}'; set the connector's timeZone to an IANA name such as Europe/Berlin.`,
      { details: { decoder: decoderName, timeZone } },
    );
  }

  return zone;
}
