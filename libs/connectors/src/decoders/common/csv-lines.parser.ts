import { parse } from 'csv-parse/sync';

/** One CSV record and the 1-based line on which it starts. */
export interface CsvLine {
  record: string[];
  line: number;
}

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/**
 * Parses CSV text (comma or `delimiter`, quoted fields may span lines, rows may differ in
 * width) into records with their start line. Blank lines are dropped but still counted, so
 * the line numbers match an editor's. Throws csv-parse's error for unclosed quotes.
 */
export function parseCsvLines(text: string, delimiter = ','): CsvLine[] {
  const parsed = parse(text, {
    delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: false,
  }) as unknown as RecordWithInfo[];

  // csv-parse reports the line on which a record ends, so a record starts after the previous one.
  const lines: CsvLine[] = [];
  let previousEnd = 0;
  for (const { record, info } of parsed) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (!(record.length === 1 && record[0].trim() === '')) {
      lines.push({ record, line });
    }
  }

  return lines;
}
