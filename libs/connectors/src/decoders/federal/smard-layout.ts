import type { NumberStyle } from '../common/grouped-number.parser';
import {
  type CalendarDate,
  type ClockTime,
  parseClockTime,
  parseEnglishDate,
  parseGermanDate,
  parseIsoDate,
  parseTwelveHourTime,
  wallClockMs,
} from '../common/wall-clock.parser';

/**
 * The SMARD download layouts. Older downloads have a date column and two time columns
 * (`Datum;Anfang;Ende`, `Date;Start;End`); newer ones have two date-time columns
 * (`Datum von;Datum bis`, `Start date;End date`). German downloads write numbers as
 * `1.015,5`, English ones as `1,015.5`.
 */
export interface SmardLayout {
  /** Number of leading time columns (2 or 3). */
  timeColumns: number;
  numberStyle: NumberStyle;
  /** Wall-clock ms of the interval's start and end, or undefined when a cell is unreadable. */
  readInterval(cells: readonly string[]): { startWallMs: number; endWallMs: number } | undefined;
  /** Example of the time cells, for messages. */
  example: string;
}

const DAY_MS = 86_400_000;

/** Detects the layout from the header's first cells; returns undefined for another file. */
export function detectSmardLayout(header: readonly string[]): SmardLayout | undefined {
  const first = header.slice(0, 3).map((cell) => cell.toLowerCase());
  if (first[0] === 'datum' && first[1] === 'anfang' && first[2] === 'ende') {
    return separateColumns('german', '24.10.2022;00:00;01:00');
  }
  // NOTE: the English layouts follow header names and dates seen in public code; no English download was at hand.
  if (first[0] === 'date' && first[1] === 'start' && first[2] === 'end') {
    return separateColumns('english', 'Oct 24, 2022;12:00 AM;1:00 AM');
  }
  if (first[0] === 'datum von' && first[1] === 'datum bis') {
    return combinedColumns('german', '24.10.2022 00:00;24.10.2022 01:00');
  }
  if (first[0] === 'start date' && first[1] === 'end date') {
    return combinedColumns('english', 'Oct 24, 2022 12:00 AM;Oct 24, 2022 1:00 AM');
  }

  return undefined;
}

/** `Datum;Anfang;Ende`: the end time of the last hour (00:00) lies on the next day. */
function separateColumns(numberStyle: NumberStyle, example: string): SmardLayout {
  return {
    timeColumns: 3,
    numberStyle,
    example,
    readInterval(cells) {
      const date = readDate(cells[0]);
      const start = readTime(cells[1]);
      const end = readTime(cells[2]);
      const startWallMs = date && start ? wallClockMs(date, start) : undefined;
      const endOfDayWallMs = date && end ? wallClockMs(date, end) : undefined;
      if (startWallMs === undefined || endOfDayWallMs === undefined) {
        return undefined;
      }

      const endWallMs = endOfDayWallMs <= startWallMs ? endOfDayWallMs + DAY_MS : endOfDayWallMs;

      return { startWallMs, endWallMs };
    },
  };
}

function combinedColumns(numberStyle: NumberStyle, example: string): SmardLayout {
  return {
    timeColumns: 2,
    numberStyle,
    example,
    readInterval(cells) {
      const startWallMs = readDateTime(cells[0]);
      const endWallMs = readDateTime(cells[1]);

      return startWallMs === undefined || endWallMs === undefined ? undefined : { startWallMs, endWallMs };
    },
  };
}

function readDate(text: string): CalendarDate | undefined {
  return parseGermanDate(text) ?? parseEnglishDate(text) ?? parseIsoDate(text);
}

function readTime(text: string): ClockTime | undefined {
  return parseClockTime(text) ?? parseTwelveHourTime(text);
}

/** `24.10.2022 00:00` or `Oct 24, 2022 12:00 AM`. */
function readDateTime(text: string): number | undefined {
  const match = /^(.*\d{4}) (\d{1,2}:\d{2}(?: ?[AaPp][Mm])?)$/.exec(text.trim());
  const date = match === null ? undefined : readDate(match[1]);
  const time = match === null ? undefined : readTime(match[2]);

  return date === undefined || time === undefined ? undefined : wallClockMs(date, time);
}
