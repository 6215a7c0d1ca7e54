import type { StoredObservation } from '@stadtdaten/contracts';
import type { OrderByItem } from '@stadtdaten/sensorthings';
import type { DatastreamDto } from '@stadtdaten/registry';
import { type ObservationCursor, compareKeys } from './observation-cursor';
import type { ObservationStoreReader } from './observation-store.reader';
import type { StaView } from './sta-graph';

/** A datastream an Observations query reads, with its view and registry entry. */
export interface Candidate {
  view: StaView;
  dto: DatastreamDto;
}

/** Result of a merged scan: the matches and the position where it stopped. */
export interface MergeScan {
  matches: StaView[];
  /** Matches passed over for $skip. */
  skipped: number;
  /** Key of the last observation read, whether it matched or not. */
  lastScanned?: { timeMs: number; datastreamId: string };
  /** True when the scan stopped at `maxScanned` with observations left. */
  budgetReached: boolean;
}

export interface MergeScanOptions {
  /** Matches to collect after the skipped ones; one more than the page shows whether a next page exists. */
  wanted: number;
  skip: number;
  maxScanned: number;
  /** Returns the view of a matching row, or undefined for a row the filter rejects. */
  toMatch: (reader: DatastreamReader, row: StoredObservation) => StaView | undefined;
}

/** Reads the datastreams merged in page order until enough matches are found, the rows end or the budget is used. */
export async function scanMerged(
  readers: DatastreamReader[],
  order: 'asc' | 'desc',
  options: MergeScanOptions,
): Promise<MergeScan> {
  const scan: MergeScan = { matches: [], skipped: 0, budgetReached: false };
  let scanned = 0;
  while (scan.matches.length < options.wanted) {
    const next = pickNext(readers, order);
    if (next === undefined) {
      break;
    }
    if (scanned >= options.maxScanned) {
      scan.budgetReached = true;
      break;
    }
    const row = await next.take();
    scanned += 1;
    scan.lastScanned = { timeMs: row.phenomenonTimeMs, datastreamId: next.candidate.view['@iot.id'] };
    const view = options.toMatch(next, row);
    if (view === undefined) {
      continue;
    }
    if (scan.skipped < options.skip) {
      scan.skipped += 1;
      continue;
    }
    scan.matches.push(view);
  }

  return scan;
}

/** Returns the store order that serves an $orderby, or undefined when it needs sorting in memory. */
export function storeOrder(orderBy: readonly OrderByItem[]): 'asc' | 'desc' | undefined {
  if (orderBy.length === 0) {
    return 'asc';
  }
  const [first, second, ...rest] = orderBy;
  const isPath = (item: OrderByItem, ...segments: string[][]) =>
    item.expression.kind === 'path' &&
    segments.some(
      (path) => path.join('/') === (item.expression as { segments: string[] }).segments.join('/'),
    );
  if (!isPath(first, ['phenomenonTime']) || rest.length > 0) {
    return undefined;
  }
  if (
    second !== undefined &&
    (!isPath(second, ['Datastream', 'id'], ['Datastream', '@iot.id']) || second.direction !== first.direction)
  ) {
    return undefined;
  }

  return first.direction;
}

export function withoutPaging(raw: Record<string, string>): Record<string, string> {
  const { $top: _top, $skip: _skip, $skiptoken: _token, ...rest } = raw;

  return rest;
}

/** Returns the reader whose next observation comes first in the page's (phenomenonTime, datastream id) order. */
export function pickNext(readers: DatastreamReader[], order: 'asc' | 'desc'): DatastreamReader | undefined {
  let best: DatastreamReader | undefined;
  for (const reader of readers) {
    const head = reader.head();
    if (head === undefined) {
      continue;
    }
    const bestHead = best?.head();
    if (
      best === undefined ||
      bestHead === undefined ||
      compareKeys(
        order,
        head.phenomenonTimeMs,
        reader.candidate.view['@iot.id'],
        bestHead.phenomenonTimeMs,
        best.candidate.view['@iot.id'],
      ) < 0
    ) {
      best = reader;
    }
  }

  return best;
}

/** Reads one datastream's part of the range in batches, in the page's order, starting after the cursor. */
export class DatastreamReader {
  private buffer: StoredObservation[] = [];
  private index = 0;
  private done = false;
  private fromMs: number;
  private toMs: number;

  constructor(
    private readonly reader: ObservationStoreReader,
    readonly candidate: Candidate,
    range: { fromMs: number; toMs: number },
    private readonly order: 'asc' | 'desc',
    cursor: ObservationCursor | undefined,
    private readonly batch: number,
  ) {
    this.fromMs = range.fromMs;
    this.toMs = range.toMs;
    if (cursor !== undefined) {
      const id = candidate.view['@iot.id'];
      // At the cursor's time, a datastream that sorts after the cursor's one still has its observation ahead.
      if (order === 'asc') {
        this.fromMs = Math.max(this.fromMs, id > cursor.datastreamId ? cursor.timeMs : cursor.timeMs + 1);
      } else {
        this.toMs = Math.min(this.toMs, id < cursor.datastreamId ? cursor.timeMs + 1 : cursor.timeMs);
      }
    }
  }

  head(): StoredObservation | undefined {
    return this.buffer[this.index];
  }

  async take(): Promise<StoredObservation> {
    const row = this.buffer[this.index];
    this.index += 1;
    if (this.index >= this.buffer.length) {
      await this.fill();
    }

    return row;
  }

  async fill(): Promise<void> {
    if (this.index < this.buffer.length || this.done) {
      return;
    }
    if (this.fromMs >= this.toMs) {
      this.done = true;
      this.buffer = [];

      return;
    }
    const rows = await this.reader.query(this.candidate.dto, this.fromMs, this.toMs, this.batch, this.order);
    this.buffer = rows;
    this.index = 0;
    this.done = rows.length < this.batch;
    const last = rows[rows.length - 1];
    if (last !== undefined && this.order === 'asc') {
      this.fromMs = last.phenomenonTimeMs + 1;
    } else if (last !== undefined) {
      this.toMs = last.phenomenonTimeMs;
    }
  }
}
