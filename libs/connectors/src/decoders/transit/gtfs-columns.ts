import type { CsvRow } from '../common/csv-table.reader';

/**
 * Cells of a GTFS file by column name, because feeds order columns freely (DELFI puts
 * stop_name first). A column that the file lacks reads as empty, as GTFS treats an empty
 * optional field.
 */
export class GtfsColumns {
  private readonly indexes: ReadonlyMap<string, number>;

  constructor(header: readonly string[]) {
    this.indexes = new Map(header.map((name, index) => [name.trim().toLowerCase(), index]));
  }

  has(column: string): boolean {
    return this.indexes.has(column);
  }

  /** The trimmed cell of `column` in `row`, or '' when the file has no such column. */
  cell(row: CsvRow, column: string): string {
    const index = this.indexes.get(column);

    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  }
}
