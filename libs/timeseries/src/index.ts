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
