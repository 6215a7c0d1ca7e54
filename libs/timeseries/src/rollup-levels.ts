import { derivedDeviceId, derivedField } from '@stadtdaten/contracts';

export const ROLLUP_LEVELS = ['1m', '1h', '1d'] as const;

export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

export const ROLLUP_LEVEL_MS: Readonly<Record<RollupLevel, number>> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export const ROLLUP_STATS = ['mean', 'min', 'max', 'sum', 'count'] as const;

export type RollupStat = (typeof ROLLUP_STATS)[number];

/** Shortest range for which selectRollup picks a rollup: below it the raw aggregate is cheap. */
export const ROLLUP_MIN_RANGE_MS = 2 * 86_400_000;

/** A rollup level is used only when the range contains at least this many of its buckets, so the raw edges stay small. */
export const ROLLUP_MIN_BUCKETS = 24;

/** A rollup bucket must replace at least this many raw readings to pay for reading two rollup datastreams. */
const MIN_READINGS_PER_BUCKET = 4;

/** Field suffix of a rollup datastream, e.g. `mean_1h`. */
export function rollupSuffix(stat: RollupStat, level: RollupLevel): string {
  return `${stat}_${level}`;
}

/**
 * Id of the rollup datastream of a source datastream, e.g. `demo-parking-carree.free_spaces`
 * with mean and 1h gives `rollup-demo-parking-carree.free_spaces.mean_1h`.
 */
export function rollupDatastreamId(sourceDatastreamId: string, stat: RollupStat, level: RollupLevel): string {
  const dot = sourceDatastreamId.indexOf('.');
  const deviceId = sourceDatastreamId.slice(0, dot);
  const field = sourceDatastreamId.slice(dot + 1);

  return `${derivedDeviceId('rollup', deviceId)}.${derivedField(field, rollupSuffix(stat, level))}`;
}

/**
 * Picks the rollup level that serves an aggregate over `rangeMs` in buckets of `intervalMs`:
 * the coarsest level that divides the interval, of which the range contains at least
 * ROLLUP_MIN_BUCKETS buckets. Returns undefined (read the raw observations) for ranges shorter
 * than ROLLUP_MIN_RANGE_MS. The 1-minute level is chosen only when `rawIntervalMs`, the typical
 * gap between raw readings, shows at least four readings per minute. Without it, raw data is
 * assumed to come about once a minute, and then that level would save nothing.
 */
export function selectRollup(rangeMs: number, intervalMs: number, rawIntervalMs?: number): RollupLevel | undefined {
  if (!(rangeMs >= ROLLUP_MIN_RANGE_MS) || !Number.isInteger(intervalMs) || intervalMs <= 0) {
    return undefined;
  }
  const rawGapMs = rawIntervalMs ?? ROLLUP_LEVEL_MS['1m'];
  for (const level of [...ROLLUP_LEVELS].reverse()) {
    const levelMs = ROLLUP_LEVEL_MS[level];
    const divides = intervalMs % levelMs === 0;
    const enoughBuckets = rangeMs >= ROLLUP_MIN_BUCKETS * levelMs;
    const saves = levelMs >= MIN_READINGS_PER_BUCKET * rawGapMs;
    if (divides && enoughBuckets && saves) {
      return level;
    }
  }

  return undefined;
}
