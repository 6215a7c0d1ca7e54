import { RejectionCode } from '@stadtdaten/contracts';
import { resolveLocalTime } from '@stadtdaten/formats';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import type { CsvRow } from '../common/csv-table.reader';
import type { SourceResultCollector } from '../common/source-result.collector';
import { parseIsoDate, wallClockMs } from '../common/wall-clock.parser';

const REGION_ID = /^(?:\d{2}|\d{5})$/;

/** Names of the states by their two-digit id (AGS prefix) as the RKI files write them. */
export const RKI_STATE_NAMES: Readonly<Record<string, string>> = {
  '00': 'Deutschland',
  '01': 'Schleswig-Holstein',
  '02': 'Hamburg',
  '03': 'Niedersachsen',
  '04': 'Bremen',
  '05': 'Nordrhein-Westfalen',
  '06': 'Hessen',
  '07': 'Rheinland-Pfalz',
  '08': 'Baden-Württemberg',
  '09': 'Bayern',
  '10': 'Saarland',
  '11': 'Berlin',
  '12': 'Brandenburg',
  '13': 'Mecklenburg-Vorpommern',
  '14': 'Sachsen',
  '15': 'Sachsen-Anhalt',
  '16': 'Thüringen',
  '17': 'Bundesressorts',
};

/** `regions` option: the ids of the rows to read; without it every row is read. */
export const regionsOption = z
  .array(z.string().min(1))
  .min(1)
  .optional()
  .describe(
    'Region ids to read: five-digit district keys (06411 is Darmstadt) or two-digit state ids (06 is Hessen).',
  );

/**
 * Start of the day `2022-07-22` in `zone` (00:00 local) as UTC epoch ms, or undefined for
 * other text. Daily values carry the start of their day, so the day shown is the day the
 * value belongs to.
 */
function parseRkiDay(text: string, zone: IANAZone): number | undefined {
  const date = parseIsoDate(text);
  const wallMs = date === undefined ? undefined : wallClockMs(date);

  return wallMs === undefined ? undefined : resolveLocalTime(wallMs, zone);
}

/** Column indexes of a row's region id and date, and whether `u` ("district unknown") is a valid id. */
export interface RegionDayColumns {
  region: number;
  date: number;
  unknownDistrict: boolean;
}

/**
 * Reads the region id and the day of an RKI row. Records a problem and returns undefined for
 * an id that is not a two-digit state id or a five-digit district key (or `u` where allowed)
 * and for a date not written like `2022-07-22`.
 */
export function readRegionDay(
  row: CsvRow,
  header: readonly string[],
  columns: RegionDayColumns,
  zone: IANAZone,
  result: SourceResultCollector,
): { region: string; timeMs: number } | undefined {
  const region = (row.cells[columns.region] ?? '').trim();
  if (!REGION_ID.test(region) && !(columns.unknownDistrict && region === 'u')) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The region id '${region}' is invalid; expected a two-digit state id or a five-digit district key` +
        `${columns.unknownDistrict ? " or 'u'" : ''}; a spreadsheet may have dropped the leading zero (06411), ` +
        'so take the file as published.',
      `line ${row.line}, column "${header[columns.region]}"`,
      region,
    );

    return undefined;
  }

  const dateText = (row.cells[columns.date] ?? '').trim();
  const timeMs = parseRkiDay(dateText, zone);
  if (timeMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The date '${dateText}' is not a date like 2022-07-22; the row is not read.`,
      `line ${row.line}, column "${header[columns.date]}"`,
      dateText,
    );

    return undefined;
  }

  return { region, timeMs };
}

/** `line 2` or `lines 2, 3, 4`, shortened to the first two and the last line beyond six lines. */
export function describeLines(lines: readonly number[]): string {
  if (lines.length === 1) {
    return `line ${lines[0]}`;
  }
  if (lines.length <= 6) {
    return `lines ${lines.join(', ')}`;
  }

  return `lines ${lines[0]}, ${lines[1]}, … ${lines[lines.length - 1]} (${lines.length} rows)`;
}
