export * from './rejection-store.port';
export * from './sqlite-rejection-store.adapter';
