import { AppError, ErrorCode, RejectionCode } from '@stadtdaten/contracts';
import type { IANAZone } from 'luxon';
import { z } from 'zod';
import { type CsvRow, hasHeaderCellCount, readCsvTable } from '../common/csv-table.reader';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseIntegerText } from '../common/source-value.parser';
import { parseClockTime, parseGermanDate, requireTimeZone, wallClockMs } from '../common/wall-clock.parser';
import { skippedWallClockMessage, WallClockSeries } from '../common/wall-clock.series';
import type { SourceDecodeContext, SourceDecodeResult, SourceDecoder } from '../source-decoder.interface';

const FORMAT = 'traffic-computer CSV';
const NO_VALUE = -1;
const MINUTE_MS = 60_000;
const DETECTOR_COLUMN = /^(Bel|Vwz)_(.+)$/;
/** Intersection id at the start of the export's file name: `A001_2020-10-19_2020-11-01.csv`. */
const INTERSECTION_IN_FILE_NAME = /(?:^|[/\\])([A-Z]\d{3})_[^/\\]*$/;

const optionsSchema = z
  .object({
    intersection: z
      .string()
      .min(1)
      .optional()
      .describe('Intersection id (A001) for the feature keys; default: the start of the file name.'),
    intervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe('Length of one row in minutes: 60 for the hourly export, 1 for minute data.'),
  })
  .strict();

interface DetectorColumns {
  detector: string;
  countColumn?: number;
  occupancyColumn?: number;
}

/**
 * Decodes the CSV export of Darmstadt's traffic computer (Verkehrsrechner) for one
 * intersection. The file is `;`-separated, and its first header cell is a timestamp instead
 * of a name. Then come column pairs `Bel_<detector>` and `Vwz_<detector>`: the detector
 * occupations in the interval (vehicles for a loop detector, requests for a push button or a
 * bus request point) and the summed occupation time in ms. `-1` means no value. Feature key: `<intersection>/<detector>`
 * (A001/D11), because detector names repeat at every intersection. Fields: vehicles
 * ({vehicles} in the interval), occupancy_time (s) and occupancy_rate (% of the interval,
 * rounded to 0.01).
 *
 * Time rule: the first column is the local START of the interval in ctx.timeZone
 * (`25.10.2020 02:00`). On the autumn change the export writes the repeated hour twice in
 * sequence; WallClockSeries resolves the second one to the later hour (in the sample that
 * row is all `-1`). A start inside the skipped spring hour is a problem. The record time is
 * the END of the interval in UTC.
 */
export class TrafficComputerDecoder implements SourceDecoder {
  readonly name = 'traffic-computer';
  readonly description = 'Darmstadt traffic-computer CSV: detector counts and occupancy per interval.';
  readonly optionsSchema = optionsSchema;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(optionsSchema, ctx.options, this.name);
    const zone = requireTimeZone(ctx.timeZone, this.name);
    const intersection = options.intersection ?? intersectionFromFileName(ctx.sourceName, this.name);
    const intervalMs = options.intervalMinutes * MINUTE_MS;
    const table = readCsvTable(input, { format: FORMAT, delimiter: ';' });
    const result = new SourceResultCollector();
    const detectors = readDetectorColumns(table.header, result);
    for (const { detector } of detectors) {
      result.addFeature({
        key: `${intersection}/${detector}`,
        name: `${intersection} ${detector}`,
        properties: { intersection, detector },
      });
    }

    const series = new WallClockSeries(zone);
    for (const row of table.rows) {
      if (!hasHeaderCellCount(table, row, result)) {
        continue;
      }
      const startMs = readIntervalStart(row, series, zone, result);
      if (startMs === undefined) {
        continue;
      }
      for (const columns of detectors) {
        const reading = {
          row,
          featureKey: `${intersection}/${columns.detector}`,
          timeMs: startMs + intervalMs,
        };
        readCount(reading, table.header, columns, result);
        readOccupancy(reading, table.header, columns, intervalMs, result);
      }
    }

    return result.build();
  }
}

interface DetectorReading {
  row: CsvRow;
  featureKey: string;
  timeMs: number;
}

function intersectionFromFileName(sourceName: string, decoderName: string): string {
  const match = INTERSECTION_IN_FILE_NAME.exec(sourceName);
  if (match === null) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `Decoder ${decoderName} finds no intersection id in the source name '${sourceName}'; ` +
        'set options.intersection (A001, say), because detector names repeat at every intersection.',
      { details: { decoder: decoderName, sourceName } },
    );
  }

  return match[1];
}

function readDetectorColumns(header: readonly string[], result: SourceResultCollector): DetectorColumns[] {
  const byDetector = new Map<string, DetectorColumns>();
  header.slice(1).forEach((name, offset) => {
    const match = DETECTOR_COLUMN.exec(name);
    if (match === null) {
      result.reject(
        RejectionCode.UNSUPPORTED_FORMAT,
        `Column "${name}" is neither Bel_<detector> nor Vwz_<detector>, so its values are not read.`,
        `line 1, column "${name}"`,
        name,
      );

      return;
    }

    const [, kind, detector] = match;
    const columns = byDetector.get(detector) ?? { detector };
    if (kind === 'Bel') {
      columns.countColumn = offset + 1;
    } else {
      columns.occupancyColumn = offset + 1;
    }
    byDetector.set(detector, columns);
  });

  return [...byDetector.values()];
}

function readIntervalStart(
  row: CsvRow,
  series: WallClockSeries,
  zone: IANAZone,
  result: SourceResultCollector,
): number | undefined {
  const raw = row.cells[0];
  const position = `line ${row.line}, column 1`;
  const [dateText = '', timeText = ''] = raw.trim().split(' ');
  const date = parseGermanDate(dateText);
  const time = parseClockTime(timeText);
  const wallMs = date === undefined || time === undefined ? undefined : wallClockMs(date, time);
  if (wallMs === undefined) {
    result.reject(
      RejectionCode.INVALID_TIMESTAMP,
      `The time '${raw}' is not a local time like '19.10.2020 00:00'; the row is not read.`,
      position,
      raw,
    );

    return undefined;
  }

  const startMs = series.resolve(wallMs);
  if (startMs === undefined) {
    result.reject(RejectionCode.INVALID_TIMESTAMP, skippedWallClockMessage(wallMs, zone), position, raw);
  }

  return startMs;
}

/** Reads a cell that must be a whole number from -1; returns undefined for -1 and bad cells. */
function readCell(
  reading: DetectorReading,
  header: readonly string[],
  column: number,
  result: SourceResultCollector,
) {
  const raw = reading.row.cells[column];
  const position = `line ${reading.row.line}, column "${header[column]}"`;
  const value = parseIntegerText(raw);
  if (value === NO_VALUE) {
    result.countMissing();

    return { position, value: undefined };
  }
  if (value === undefined || value < 0) {
    result.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The value '${raw}' is not a whole number from 0, nor -1 for no value.`,
      position,
      raw,
    );

    return { position, value: undefined };
  }

  return { position, value };
}

function readCount(
  reading: DetectorReading,
  header: readonly string[],
  columns: DetectorColumns,
  result: SourceResultCollector,
): void {
  if (columns.countColumn === undefined) {
    return;
  }

  const { position, value } = readCell(reading, header, columns.countColumn, result);
  if (value !== undefined) {
    const { featureKey, timeMs } = reading;
    result.addRecord({ featureKey, field: 'vehicles', value, unit: '{vehicles}', timeMs, position });
  }
}

function readOccupancy(
  reading: DetectorReading,
  header: readonly string[],
  columns: DetectorColumns,
  intervalMs: number,
  result: SourceResultCollector,
): void {
  if (columns.occupancyColumn === undefined) {
    return;
  }

  const { position, value } = readCell(reading, header, columns.occupancyColumn, result);
  if (value === undefined) {
    return;
  }
  if (value > intervalMs) {
    result.reject(
      RejectionCode.OUT_OF_RANGE,
      `The occupation time ${value} ms is longer than the interval of ${intervalMs} ms; check options.intervalMinutes.`,
      position,
      String(value),
    );

    return;
  }

  const { featureKey, timeMs } = reading;
  result.addRecord({ featureKey, field: 'occupancy_time', value: value / 1000, unit: 's', timeMs, position });
  const rate = Math.round((value / intervalMs) * 10_000) / 100;
  result.addRecord({ featureKey, field: 'occupancy_rate', value: rate, unit: '%', timeMs, position });
}
