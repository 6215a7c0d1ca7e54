import { z } from 'zod';
import { booleanSetting, portSetting } from './config-loader';

/** Settings every service shares. Keys are environment variable names. */
export const commonSettings = {
  STADTDATEN_DATA_DIR: z
    .string()
    .default('./var')
    .describe('folder for the embedded adapters\' files (event log, registry, time series, keys)'),
  STADTDATEN_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  STADTDATEN_ENV: z.string().default('development').describe('deployment name written into every log line'),
};

/** Settings of the TLS certificate of an HTTP listener; with both set it serves HTTPS only. */
export const httpTlsSettings = {
  STADTDATEN_HTTP_TLS_CERT_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'PEM file with the HTTPS certificate (and its chain); with STADTDATEN_HTTP_TLS_KEY_FILE the server serves HTTPS',
    ),
  STADTDATEN_HTTP_TLS_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('PEM file with the private key of STADTDATEN_HTTP_TLS_CERT_FILE'),
};

/** Settings of the HTTP listener of a service. */
export function httpSettings(defaultPort: number) {
  return {
    STADTDATEN_HTTP_HOST: z.string().default('127.0.0.1').describe('address the HTTP server binds to'),
    STADTDATEN_HTTP_PORT: portSetting(defaultPort).describe('HTTP port (0 picks a free port)'),
    ...httpTlsSettings,
  };
}

export const embeddedAdapterSettings = {
  STADTDATEN_EVENT_LOG: z.enum(['sqlite']).default('sqlite').describe('event log adapter: sqlite'),
  STADTDATEN_TIMESERIES: z.enum(['sqlite']).default('sqlite').describe('time-series store adapter: sqlite'),
  STADTDATEN_REGISTRY: z.enum(['sqlite']).default('sqlite').describe('registry adapter: sqlite'),
  STADTDATEN_AUTH: z.enum(['builtin']).default('builtin').describe('token verification: builtin issuer'),
  STADTDATEN_DEMO: booleanSetting(true).describe('load the Darmstadt demo catalog and run the simulated fleet'),
};

/** Settings of the connectors that run in the ingest gateway. */
export const connectorSettings = {
  STADTDATEN_CONNECTORS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('YAML file with the connectors (scheduled pulls and file imports); unset runs none'),
};

/** Settings of the validator's signatures. */
export const signingSettings = {
  STADTDATEN_SIGNING: booleanSetting(true).describe('sign every validated observation (true); false only to measure what signing costs'),
};

/** Settings of the tenant key store (pseudonym and personal-data keys). */
export const keySettings = {
  STADTDATEN_KEK_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'file with the key-encryption key in base64 (openssl rand -base64 32); required with STADTDATEN_REGISTRY=postgres, else created under the data folder',
    ),
};

/** Where this deployment can store data; datastreams that name another storage profile stop the services at start. */
export const residencySettings = {
  STADTDATEN_AVAILABLE_STORAGE_PROFILES: z
    .string()
    .regex(/^(onprem-darz|de|eu)(,(onprem-darz|de|eu))*$/, 'list storage profiles separated by commas: onprem-darz, de, eu')
    .optional()
    .describe('storage profiles (residency labels) this deployment provides, e.g. de,eu; unset allows every profile'),
};
