export const SERVICE_NAMES = ['ingest-gateway', 'validator', 'storage-writer', 'query-api', 'analytics'] as const;

/** Runs one service's entry point in this process; it reads its settings from STADTDATEN_* variables. */
export function runServiceAlone(service: string): void {
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    throw new Error(`unknown service "${service}": use one of ${SERVICE_NAMES.join(', ')}`);
  }
  require(require.resolve(`@stadtdaten/${service}/dist/main.js`));
}
