export * from './time-series-store.port';
export { SqliteTimeSeriesStore, type SqliteTimeSeriesStoreOptions } from './sqlite-time-series.adapter';
