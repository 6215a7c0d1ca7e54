import type { StoredObservation } from '@stadtdaten/contracts';
import type { ExportManifest } from '../export/export-manifest';
import { resolveInside } from '../export/export-paths';
import { readParquetObservations } from '../formats/parquet-observation.reader';

/**
 * Walks the observations of an export forward, datastream by datastream in manifest order and
 * oldest first within each, one Parquet row group in memory. The export writes
 * `signatures/observations.jsonl` in this same order, so one pass of this cursor finds the
 * exported row of every signature line.
 */
export class ExportRowCursor {
  private readonly positions: Map<string, number>;
  private datastreamIndex = -1;
  private pages?: AsyncGenerator<StoredObservation[]>;
  private page: StoredObservation[] = [];
  private offset = 0;

  constructor(
    private readonly dir: string,
    private readonly manifest: ExportManifest,
  ) {
    this.positions = new Map(manifest.datastreams.map((entry, index) => [entry.id, index]));
  }

  /**
   * Returns the row of a datastream with this phenomenon time, and skips the rows before it.
   * Returns undefined when the datastream is not exported, or when the cursor has passed that
   * datastream or time. The returned row stays current, so asking for it again returns it again.
   */
  async find(datastreamId: string, phenomenonTimeMs: number): Promise<StoredObservation | undefined> {
    const target = this.positions.get(datastreamId);
    if (target === undefined || target < this.datastreamIndex) {
      return undefined;
    }
    while (this.datastreamIndex < target) {
      await this.openDatastream(this.datastreamIndex + 1);
    }
    for (;;) {
      const row = await this.current();
      if (row === undefined || row.phenomenonTimeMs > phenomenonTimeMs) {
        return undefined;
      }
      if (row.phenomenonTimeMs === phenomenonTimeMs) {
        return row;
      }
      this.offset += 1;
    }
  }

  async close(): Promise<void> {
    await this.pages?.return(undefined);
  }

  private async openDatastream(index: number): Promise<void> {
    await this.pages?.return(undefined);
    const entry = this.manifest.datastreams[index];
    this.datastreamIndex = index;
    this.pages = readParquetObservations(resolveInside(this.dir, entry.parquet), this.manifest.tenant);
    this.page = [];
    this.offset = 0;
  }

  private async current(): Promise<StoredObservation | undefined> {
    while (this.offset >= this.page.length) {
      const next = await this.pages!.next();
      if (next.done) {
        return undefined;
      }
      this.page = next.value;
      this.offset = 0;
    }

    return this.page[this.offset];
  }
}
