import { type Aggregate, type AggregatePoint, AppError, ErrorCode } from '@stadtdaten/contracts';
import { ROLLUP_LEVEL_MS, type RollupLevel, type RollupStat, rollupDatastreamId } from './rollup-levels';
import type { AggregateQuery, TimeSeriesStore } from './time-series-store.port';

type Extreme = 'sum' | 'min' | 'max';

/** Partial stats of one output bucket; only the parts an aggregate needs are read. */
interface PartStats {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
}

/** Beside the count, the stat each aggregate needs from the raw data and the rollups. */
const NEEDED: Readonly<Record<'mean' | 'min' | 'max' | 'sum' | 'count', Extreme | undefined>> = {
  mean: 'sum',
  sum: 'sum',
  min: 'min',
  max: 'max',
  count: undefined,
};

/** Part of a range, in epoch milliseconds (`fromMs` inclusive, `toMs` exclusive). */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

/** Returns the ids of the rollup datastreams that aggregateWithRollups reads for `aggregate` at `level`; none for `last`. */
export function rollupSourcesOf(sourceDatastreamId: string, aggregate: Aggregate, level: RollupLevel): string[] {
  if (aggregate === 'last') {
    return [];
  }
  const needed = NEEDED[aggregate];
  const stats: RollupStat[] = needed === undefined ? ['count'] : ['count', needed];

  return stats.map((stat) => rollupDatastreamId(sourceDatastreamId, stat, level));
}

/**
 * Aggregates a source datastream per interval from its rollups at `level` for the whole
 * level buckets inside the range, and from the raw observations for the parts before the
 * first and after the last whole bucket. With `rollupSpan`, only whole buckets inside that
 * span come from the rollups, and the rest of the range is read raw. Callers pass the span
 * that the stored rollups cover (rollupCoverage). The result equals the raw aggregate as long
 * as the rollups inside that span are current, and they trail the raw data by the analytics
 * job's lag.
 * `last` is always read from the raw observations.
 * Throws AppError VALIDATION_FAILED when the level does not divide the interval.
 */
export async function aggregateWithRollups(
  store: TimeSeriesStore,
  query: AggregateQuery,
  level: RollupLevel,
  rollupSpan?: TimeSpan,
): Promise<AggregatePoint[]> {
  if (query.aggregate === 'last') {
    return store.aggregate(query);
  }
  const levelMs = ROLLUP_LEVEL_MS[level];
  if (query.intervalMs % levelMs !== 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `rollup level ${level} does not divide the interval of ${query.intervalMs} ms; choose a level with selectRollup()`,
    );
  }
  const innerFromMs = Math.ceil(Math.max(query.fromMs, rollupSpan?.fromMs ?? query.fromMs) / levelMs) * levelMs;
  const innerToMs = Math.floor(Math.min(query.toMs, rollupSpan?.toMs ?? query.toMs) / levelMs) * levelMs;
  if (innerFromMs >= innerToMs) {
    return store.aggregate(query);
  }

  const needed = NEEDED[query.aggregate];
  const parts = await Promise.all([
    readRaw(store, query, query.fromMs, innerFromMs, needed),
    readRollups(store, query, level, innerFromMs, innerToMs, needed),
    readRaw(store, query, innerToMs, query.toMs, needed),
  ]);

  const merged = new Map<number, PartStats>();
  for (const part of parts) {
    for (const [bucketStartMs, stats] of part) {
      merged.set(bucketStartMs, mergeParts(merged.get(bucketStartMs), stats));
    }
  }

  return [...merged]
    .filter(([, stats]) => stats.count > 0)
    .sort(([a], [b]) => a - b)
    .map(([bucketStartMs, stats]) => ({ bucketStartMs, value: valueOf(query.aggregate as keyof typeof NEEDED, stats), count: stats.count }));
}

async function readRaw(store: TimeSeriesStore, query: AggregateQuery, fromMs: number, toMs: number, needed: Extreme | undefined) {
  if (fromMs >= toMs) {
    return new Map<number, PartStats>();
  }
  const range = { ...query, fromMs, toMs };
  const [counts, extremes] = await Promise.all([
    store.aggregate({ ...range, aggregate: 'count' }),
    needed === undefined ? Promise.resolve([]) : store.aggregate({ ...range, aggregate: needed }),
  ]);

  return combine(counts, extremes, needed);
}

async function readRollups(
  store: TimeSeriesStore,
  query: AggregateQuery,
  level: RollupLevel,
  fromMs: number,
  toMs: number,
  needed: Extreme | undefined,
) {
  const range = { ...query, fromMs, toMs };
  const [counts, extremes] = await Promise.all([
    store.aggregate({ ...range, datastreamId: rollupDatastreamId(query.datastreamId, 'count', level), aggregate: 'sum' }),
    needed === undefined
      ? Promise.resolve([])
      : store.aggregate({ ...range, datastreamId: rollupDatastreamId(query.datastreamId, needed, level), aggregate: needed }),
  ]);

  return combine(counts, extremes, needed);
}

function combine(counts: AggregatePoint[], extremes: AggregatePoint[], needed: Extreme | undefined): Map<number, PartStats> {
  const stats = new Map<number, PartStats>();
  for (const point of counts) {
    stats.set(point.bucketStartMs, { count: point.value ?? 0 });
  }
  if (needed !== undefined) {
    for (const point of extremes) {
      const entry = stats.get(point.bucketStartMs);
      if (entry !== undefined && point.value !== null) {
        entry[needed] = point.value;
      }
    }
  }

  return stats;
}

function mergeParts(a: PartStats | undefined, b: PartStats): PartStats {
  if (a === undefined) {
    return b;
  }

  return {
    count: a.count + b.count,
    sum: a.sum === undefined || b.sum === undefined ? (a.sum ?? b.sum) : a.sum + b.sum,
    min: a.min === undefined || b.min === undefined ? (a.min ?? b.min) : Math.min(a.min, b.min),
    max: a.max === undefined || b.max === undefined ? (a.max ?? b.max) : Math.max(a.max, b.max),
  };
}

function valueOf(aggregate: keyof typeof NEEDED, stats: PartStats): number | null {
  switch (aggregate) {
    case 'mean':
      return stats.sum === undefined ? null : stats.sum / stats.count;
    case 'count':
      return stats.count;
    default:
      return stats[aggregate] ?? null;
  }
}
