import type { RollupStat } from './rollup-levels';

/** Count, sum, minimum and maximum of the numeric readings of one bucket; the mean is sum / count. */
export interface BucketStats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Start of the bucket of `timeMs`; buckets start at UTC epoch multiples of `levelMs`, as the stores' aggregates do. */
export function bucketStart(timeMs: number, levelMs: number): number {
  return Math.floor(timeMs / levelMs) * levelMs;
}

/** Returns the stats of the values, or undefined for none. */
export function statsOf(values: Iterable<number>): BucketStats | undefined {
  let stats: BucketStats | undefined;
  for (const value of values) {
    stats = stats === undefined ? { count: 1, sum: value, min: value, max: value } : addValue(stats, value);
  }

  return stats;
}

function addValue(stats: BucketStats, value: number): BucketStats {
  return { count: stats.count + 1, sum: stats.sum + value, min: Math.min(stats.min, value), max: Math.max(stats.max, value) };
}

/** Combines the stats of two disjoint sets of readings. */
export function mergeStats(a: BucketStats | undefined, b: BucketStats | undefined): BucketStats | undefined {
  if (a === undefined || b === undefined) {
    return a ?? b;
  }

  return { count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

export function statValue(stats: BucketStats, stat: RollupStat): number {
  switch (stat) {
    case 'mean':
      return stats.sum / stats.count;
    case 'min':
      return stats.min;
    case 'max':
      return stats.max;
    case 'sum':
      return stats.sum;
    case 'count':
      return stats.count;
  }
}
