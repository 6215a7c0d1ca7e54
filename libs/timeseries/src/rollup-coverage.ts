import { ROLLUP_LEVEL_MS, type RollupLevel, rollupDatastreamId } from './rollup-levels';
import type { TimeSpan } from './rollup-query';
import type { RangeQuery, TimeSeriesStore } from './time-series-store.port';

/** Quality flag of a rollup value computed before its bucket ended. */
const INCOMPLETE = 'incomplete';

/**
 * Returns the span of whole `level` buckets in the query's range that the stored rollups of
 * the source datastream cover, for aggregateWithRollups. The span starts at the first stored
 * count bucket and ends after the newest one, or at its start when that value carries the flag
 * `incomplete` (computed before the bucket ended). Buckets that end after `nowMs` are left out,
 * because their rollups trail the raw data. Returns undefined when no rollup lies in the range.
 * NOTE: a bucket missing between the first and the newest one (the analytics job had not
 * computed it yet) is not detected, so the result then lacks its readings.
 */
export async function rollupCoverage(
  store: TimeSeriesStore,
  query: RangeQuery,
  level: RollupLevel,
  nowMs: number,
): Promise<TimeSpan | undefined> {
  const levelMs = ROLLUP_LEVEL_MS[level];
  const range = {
    tenant: query.tenant,
    datastreamId: rollupDatastreamId(query.datastreamId, 'count', level),
    fromMs: Math.ceil(query.fromMs / levelMs) * levelMs,
    toMs: Math.floor(Math.min(query.toMs, nowMs) / levelMs) * levelMs,
  };
  if (range.fromMs >= range.toMs) {
    return undefined;
  }

  const [first, newest] = await Promise.all([
    store.query({ ...range, order: 'asc', limit: 1 }),
    store.query({ ...range, order: 'desc', limit: 1 }),
  ]);
  if (first.length === 0 || newest.length === 0) {
    return undefined;
  }
  const fromMs = first[0].phenomenonTimeMs;
  const last = newest[0];
  const toMs = last.qualityFlags.includes(INCOMPLETE)
    ? last.phenomenonTimeMs
    : last.phenomenonTimeMs + levelMs;

  return toMs > fromMs ? { fromMs, toMs } : undefined;
}
