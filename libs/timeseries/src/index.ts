export * from './time-series-store.port';
export { SqliteTimeSeriesStore, type SqliteTimeSeriesStoreOptions } from './sqlite-time-series.adapter';
export { InfluxTimeSeriesStore } from './influx-time-series.adapter';
export type { InfluxObservation, InfluxTimeSeriesStoreOptions } from './influx-time-series.options';
export {
  type InfluxDatabaseLayout,
  parseTenantDatabase,
  retentionPolicyName,
  tenantDatabase,
} from './influx-layout';
export {
  ROLLUP_LEVELS,
  ROLLUP_LEVEL_MS,
  ROLLUP_MIN_BUCKETS,
  ROLLUP_MIN_RANGE_MS,
  ROLLUP_STATS,
  type RollupLevel,
  type RollupStat,
  rollupDatastreamId,
  rollupSuffix,
  selectRollup,
} from './rollup-levels';
export { type TimeSpan, aggregateWithRollups, rollupSourcesOf } from './rollup-query';
export { rollupCoverage } from './rollup-coverage';
export { type BucketStats, bucketStart, mergeStats, statValue, statsOf } from './rollup-stats';
