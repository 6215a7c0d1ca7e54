import type { Observation, StoredObservation } from '@stadtdaten/contracts';
import { type BucketStats, ROLLUP_LEVEL_MS, ROLLUP_STATS, type RollupLevel, type TimeSeriesStore, bucketStart, rollupSuffix, statValue } from '@stadtdaten/timeseries';
import type { DerivedStream } from '../derived/derived-catalog';
import type { DerivedValue } from '../derived/derived-writer.service';

const MINUTE_MS = ROLLUP_LEVEL_MS['1m'];
const HOUR_MS = ROLLUP_LEVEL_MS['1h'];
const DAY_MS = ROLLUP_LEVEL_MS['1d'];

/** A consumed reading that the store may not show yet. */
export interface PendingReading {
  receivedAtMs: number;
  timeMs: number;
  seenAtMs: number;
}

/** Rollup state of one source datastream. */
export interface SeriesState {
  tenant: string;
  datastreamId: string;
  pending: Map<string, PendingReading>;
  dirtyMinutes: Set<number>;
  dirtyHours: Set<number>;
  dirtyDays: Set<number>;
  /** When the oldest unwritten change was consumed. */
  dirtySinceMs?: number;
  /**
   * Last computation of each open hour or day bucket, for openBucketRefresh, keyed by
   * computedKey(), because the first hour of a day starts when the day does.
   */
  computedAt: Map<string, { startMs: number; atMs: number }>;
}

export function createSeries(tenant: string, datastreamId: string): SeriesState {
  return {
    tenant,
    datastreamId,
    pending: new Map(),
    dirtyMinutes: new Set(),
    dirtyHours: new Set(),
    dirtyDays: new Set(),
    computedAt: new Map(),
  };
}

/** Key of a bucket in SeriesState.computedAt: its length and its start. */
export function computedKey(levelMs: number, startMs: number): string {
  return `${levelMs}:${startMs}`;
}

/** Records that the bucket of `levelMs` at `startMs` was computed at `nowMs`. */
export function markComputed(state: SeriesState, levelMs: number, startMs: number, nowMs: number): void {
  state.computedAt.set(computedKey(levelMs, startMs), { startMs, atMs: nowMs });
}

/** Keeps the reading as pending and marks its minute, hour and day dirty; returns true for a reading not pending before. */
export function markReading(state: SeriesState, observation: Observation, nowMs: number): boolean {
  const known = state.pending.get(observation.id);
  if (known === undefined || known.receivedAtMs <= observation.receivedAtMs) {
    state.pending.set(observation.id, { receivedAtMs: observation.receivedAtMs, timeMs: observation.phenomenonTimeMs, seenAtMs: nowMs });
  }
  state.dirtyMinutes.add(bucketStart(observation.phenomenonTimeMs, MINUTE_MS));
  state.dirtyHours.add(bucketStart(observation.phenomenonTimeMs, HOUR_MS));
  state.dirtyDays.add(bucketStart(observation.phenomenonTimeMs, DAY_MS));
  state.dirtySinceMs = Math.min(state.dirtySinceMs ?? nowMs, nowMs);

  return known === undefined;
}

export function isDirty(state: SeriesState): boolean {
  return state.dirtyMinutes.size > 0 || state.dirtyHours.size > 0 || state.dirtyDays.size > 0;
}

/** Tests whether a bucket is due: an ended bucket at once, an open one at most every `refreshMs`. */
export function isDue(state: SeriesState, start: number, levelMs: number, refreshMs: number, nowMs: number): boolean {
  if (start + levelMs <= nowMs) {
    return true;
  }
  const computed = state.computedAt.get(computedKey(levelMs, start));

  return computed === undefined || nowMs - computed.atMs >= refreshMs;
}

/**
 * Drops the pending readings of the hour that the store shows (same id, same or newer receive
 * time), and those waiting longer than `maxWaitMs`, which come back as `expired`. `ready` is
 * false while a younger one is still missing from the store.
 */
export function settlePending(state: SeriesState, rows: StoredObservation[], hourStart: number, nowMs: number, maxWaitMs: number) {
  const stored = new Map(rows.map((row) => [row.id, row.receivedAtMs]));
  const expired: string[] = [];
  let settled = 0;
  let ready = true;
  for (const [id, reading] of state.pending) {
    if (bucketStart(reading.timeMs, HOUR_MS) !== hourStart) {
      continue;
    }
    const storedAtMs = stored.get(id);
    if (storedAtMs !== undefined && storedAtMs >= reading.receivedAtMs) {
      state.pending.delete(id);
      settled += 1;
    } else if (nowMs - reading.seenAtMs > maxWaitMs) {
      state.pending.delete(id);
      expired.push(id);
    } else {
      ready = false;
    }
  }

  return { ready, settled, expired };
}

/** Stats of one UTC day from the store's aggregates, so a day of dense readings is never read row by row. */
export async function dayStats(store: TimeSeriesStore, state: SeriesState, dayStart: number): Promise<BucketStats | undefined> {
  const range = { tenant: state.tenant, datastreamId: state.datastreamId, fromMs: dayStart, toMs: dayStart + DAY_MS, intervalMs: DAY_MS };
  const [count, sum, min, max] = await Promise.all(
    (['count', 'sum', 'min', 'max'] as const).map((aggregate) => store.aggregate({ ...range, aggregate })),
  );
  const total = count[0]?.value ?? 0;
  if (total === 0) {
    return undefined;
  }

  return { count: total, sum: sum[0]?.value ?? 0, min: min[0]?.value ?? 0, max: max[0]?.value ?? 0 };
}

/** Turns the five stats of a bucket into values of its rollup datastreams. An open bucket gets the flag `incomplete`. */
export function valuesOf(streams: Map<string, DerivedStream>, level: RollupLevel, start: number, stats: BucketStats, nowMs: number): DerivedValue[] {
  const open = start + ROLLUP_LEVEL_MS[level] > nowMs;
  const values: DerivedValue[] = [];
  for (const stat of ROLLUP_STATS) {
    const stream = streams.get(rollupSuffix(stat, level));
    if (stream !== undefined) {
      values.push({ stream, phenomenonTimeMs: start, result: statValue(stats, stat), qualityFlags: open ? ['incomplete'] : [] });
    }
  }

  return values;
}
