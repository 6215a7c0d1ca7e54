export * from './rejection-store.port';
export * from './sqlite-rejection-store.adapter';
export {
  PostgresRejectionStore,
  type PostgresRejectionStoreOptions,
} from './postgres-rejection-store.adapter';
