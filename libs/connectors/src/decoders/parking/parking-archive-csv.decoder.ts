import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { z } from 'zod';
import { type CsvLine, parseCsvLines } from '../common/csv-lines.parser';
import { parseDecoderOptions } from '../common/decoder-options.parser';
import { decodeUtf8Input, unsupportedInput } from '../common/source-input.reader';
import { SourceResultCollector } from '../common/source-result.collector';
import { parseIntegerText, parseSourceTime } from '../common/source-value.parser';
import type {
  SourceDecodeContext,
  SourceDecoder,
  SourceDecodeResult,
  SourceFeature,
} from '../source-decoder.interface';
import { readParkingArchiveMeta } from './parking-archive-meta.reader';

const NAME = 'parking-archive-csv';
const MINUTE_MS = 60_000;

export const PARKING_ARCHIVE_CSV_OPTIONS = z
  .object({
    metaFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path of the place metadata CSV (place_id, place_name, city_name, num_all, …); read on every run.',
      ),
    maxFillMinutes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Longest time an empty cell repeats the last value; older values count as missing. Unset: no limit.',
      ),
  })
  .strict();

/** The last value of one column and where it was written. */
interface ColumnState {
  value: number;
  timeMs: number;
  line: number;
}

/**
 * Sparse wide CSV of parking archives (github.com/defgsus/parking-data): a `timestamp` column,
 * then one column per place with its number of free spaces (field free_spaces).
 *
 * Forward fill: an empty cell means "unchanged since the last value", so it gives a record
 * with the column's previous value at this row's time; the position names the line the value
 * came from. A cell before any value of its column, or older than maxFillMinutes, counts as
 * missing. An unreadable cell is a problem and clears its column until the next value. A row
 * whose time cannot be read is one problem, and its cells are not used.
 *
 * Each column is a feature: with metaFile its metadata (name, city, capacity, location), and
 * a column without metadata keyed by its header alone. Negative counts, which some Hanau
 * garages send, are passed on unchanged for the device type's range to reject.
 */
export class ParkingArchiveCsvDecoder implements SourceDecoder {
  readonly name = NAME;
  readonly description = 'Sparse wide parking archive CSV (free_spaces per place column, forward-filled)';
  readonly optionsSchema = PARKING_ARCHIVE_CSV_OPTIONS;

  decode(input: Uint8Array, ctx: SourceDecodeContext): SourceDecodeResult {
    const options = parseDecoderOptions(PARKING_ARCHIVE_CSV_OPTIONS, ctx.options, NAME);
    const rows = parseArchiveCsv(decodeUtf8Input(input, NAME), ctx.sourceName);
    const header = rows[0].record.map((name) => name.trim());
    if (header[0]?.toLowerCase() !== 'timestamp' || header.length < 2) {
      throw unsupportedInput(
        NAME,
        `${ctx.sourceName} does not start with a 'timestamp' column followed by place columns; got '${header.slice(0, 3).join(',')}'.`,
      );
    }

    const collector = new SourceResultCollector();
    const places = header.slice(1);
    addPlaceFeatures(places, options.metaFile, collector);

    // NOTE: the fill state starts empty for every input, so a daily file begins with missing cells
    // until each column's first value; the last values of the previous file are not carried over.
    const states: Array<ColumnState | undefined> = places.map(() => undefined);
    const maxFillMs = options.maxFillMinutes === undefined ? Infinity : options.maxFillMinutes * MINUTE_MS;
    for (const row of rows.slice(1)) {
      decodeRow(row, header, states, maxFillMs, ctx, collector);
    }

    return collector.build();
  }
}

function parseArchiveCsv(text: string, sourceName: string): CsvLine[] {
  let rows: CsvLine[];
  try {
    rows = parseCsvLines(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${NAME} input ${sourceName} is not valid CSV (${reason}).`,
      {
        cause,
      },
    );
  }
  if (rows.length === 0) {
    throw unsupportedInput(
      NAME,
      `${sourceName} is empty; expected a header row with 'timestamp' and place columns.`,
    );
  }

  return rows;
}

function addPlaceFeatures(
  places: string[],
  metaFile: string | undefined,
  collector: SourceResultCollector,
): void {
  const meta =
    metaFile === undefined
      ? new Map<string, SourceFeature>()
      : readParkingArchiveMeta(metaFile, NAME, collector);
  for (const place of places) {
    collector.addFeature(meta.get(place) ?? { key: place });
  }
}

function decodeRow(
  row: CsvLine,
  header: string[],
  states: Array<ColumnState | undefined>,
  maxFillMs: number,
  ctx: SourceDecodeContext,
  collector: SourceResultCollector,
): void {
  const { record, line } = row;
  if (record.length !== header.length) {
    collector.reject(
      RejectionCode.INVALID_PAYLOAD,
      `The row has ${record.length} cells, the header ${header.length}; its cells are not used.`,
      `line ${line}`,
      record.join(','),
    );

    return;
  }

  const rawTime = record[0].trim();
  const timeMs = collector.attempt(`line ${line}, column "timestamp"`, rawTime, () =>
    parseSourceTime(rawTime, ctx, 'timestamp'),
  );
  if (timeMs === undefined) {
    return;
  }

  for (let column = 1; column < header.length; column += 1) {
    const place = header[column];
    const position = `line ${line}, column "${place}"`;
    const text = record[column].trim();
    const state = states[column - 1];

    if (text === '') {
      if (state === undefined || timeMs - state.timeMs > maxFillMs) {
        collector.countMissing();
      } else {
        const filledPosition = `${position} (filled from line ${state.line})`;
        collector.addRecord({
          featureKey: place,
          field: 'free_spaces',
          value: state.value,
          timeMs,
          position: filledPosition,
        });
      }
      continue;
    }

    const value = parseIntegerText(text);
    if (value === undefined) {
      collector.reject(
        RejectionCode.INVALID_PAYLOAD,
        `Free spaces '${text}' is not an integer; the column stays empty until its next value.`,
        position,
        text,
      );
      states[column - 1] = undefined;
      continue;
    }
    states[column - 1] = { value, timeMs, line };
    collector.addRecord({ featureKey: place, field: 'free_spaces', value, timeMs, position });
  }
}
