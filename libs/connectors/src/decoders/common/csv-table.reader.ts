import { RejectionCode, RejectionError } from '@stadtdaten/contracts';
import { CsvError, parse } from 'csv-parse/sync';
import { decodeUtf8Input } from './source-input.reader';
import type { SourceResultCollector } from './source-result.collector';

/** One data row of a CSV input with the 1-based line number it ends on. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Header and data rows of a CSV input; empty lines are dropped. */
export interface CsvTable {
  header: string[];
  rows: CsvRow[];
  delimiter: string;
}

/**
 * Parses UTF-8 CSV bytes (a leading byte order mark is dropped) into the header line and the
 * data rows. Rows may have another cell count than the header, so that decoders can report
 * or skip footers themselves. Throws RejectionError MALFORMED_PAYLOAD when the text is not
 * CSV (an unclosed quote, say) or has no header line.
 */
export function readCsvTable(input: Uint8Array, options: { format: string; delimiter: string }): CsvTable {
  const text = decodeUtf8Input(input, options.format);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter: options.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof parsed;
  } catch (cause) {
    if (!(cause instanceof CsvError)) {
      throw cause;
    }
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${options.format} input is not valid CSV: ${cause.message}. Check that the source returns the CSV export.`,
      { cause, details: { code: cause.code } },
    );
  }

  const [headerEntry, ...rowEntries] = parsed;
  if (headerEntry === undefined) {
    throw new RejectionError(
      RejectionCode.MALFORMED_PAYLOAD,
      `The ${options.format} input is empty; expected a header line and data rows.`,
    );
  }

  return {
    header: headerEntry.record.map((name) => name.trim()),
    rows: rowEntries.map((entry) => ({ line: entry.info.lines, cells: entry.record })),
    delimiter: options.delimiter,
  };
}

/**
 * Returns whether `row` has as many cells as the header; otherwise records an INVALID_PAYLOAD
 * problem for the line, because cells cannot be matched to columns.
 */
export function hasHeaderCellCount(table: CsvTable, row: CsvRow, result: SourceResultCollector): boolean {
  if (row.cells.length === table.header.length) {
    return true;
  }

  result.reject(
    RejectionCode.INVALID_PAYLOAD,
    `The row has ${row.cells.length} cells but the header has ${table.header.length}, so its cells match no ` +
      'columns; check the source for a broken line.',
    `line ${row.line}`,
    row.cells.join(table.delimiter),
  );

  return false;
}

/** Index of the first header cell that equals one of `names` (case-insensitive), or -1. */
export function findColumn(header: readonly string[], names: readonly string[]): number {
  const accepted = new Set(names.map((name) => name.toLowerCase()));

  return header.findIndex((cell) => accepted.has(cell.toLowerCase()));
}

/**
 * Indexes of the columns `names`; throws RejectionError UNSUPPORTED_FORMAT naming every
 * absent column, because a file without them is another export than the decoder reads.
 */
export function requireColumns<Name extends string>(
  header: readonly string[],
  names: readonly Name[],
  format: string,
): Record<Name, number> {
  const indexes = {} as Record<Name, number>;
  const absent: string[] = [];
  for (const name of names) {
    indexes[name] = findColumn(header, [name]);
    if (indexes[name] === -1) {
      absent.push(name);
    }
  }
  if (absent.length > 0) {
    throw new RejectionError(
      RejectionCode.UNSUPPORTED_FORMAT,
      `The ${format} header lacks the column(s) ${absent.join(', ')}; ` +
        `the header is '${header.join(',')}'. Check that the source is a ${format} export.`,
      { details: { header, absent } },
    );
  }

  return indexes;
}
