import { z } from 'zod';
import { SECRET, booleanSetting } from './config-loader';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

/**
 * Settings of the adapter choice per port and of the connections to the production
 * systems. The embedded adapters are the default. Each production adapter needs its
 * connection settings, and a missing one is reported by name.
 */
export const adapterSettings = {
  STADTDATEN_EVENT_LOG: z
    .enum(['sqlite', 'kafka'])
    .default('sqlite')
    .describe('event log adapter: sqlite (embedded) or kafka'),
  STADTDATEN_KAFKA_BROKERS: csv.optional().describe('Kafka bootstrap brokers, comma-separated host:port'),
  STADTDATEN_KAFKA_CLIENT_ID: z.string().default('stadtdaten').describe('Kafka client id prefix'),
  STADTDATEN_KAFKA_PARTITIONS: z.coerce
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('partitions of each topic the platform creates'),
  STADTDATEN_KAFKA_REPLICATION_FACTOR: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('replication factor of each topic the platform creates (3 on a production cluster)'),
  STADTDATEN_KAFKA_SSL: booleanSetting(false).describe(
    'connect to Kafka with TLS; implied by STADTDATEN_KAFKA_SSL_CA_FILE, so set it only for brokers with a certificate of a public CA',
  ),
  STADTDATEN_KAFKA_SSL_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file with the CA certificate that signed the Kafka brokers' certificates; turns TLS on"),
  STADTDATEN_KAFKA_SASL_MECHANISM: z
    .enum(['scram-sha-512', 'scram-sha-256'])
    .optional()
    .describe('SASL mechanism of the Kafka user; unset connects without SASL'),
  STADTDATEN_KAFKA_SASL_USERNAME: z.string().min(1).optional().describe('Kafka user (SASL)'),
  STADTDATEN_KAFKA_SASL_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .meta({ [SECRET]: true })
    .describe('password of the Kafka user (SASL)'),

  STADTDATEN_TIMESERIES: z
    .enum(['sqlite', 'influxdb'])
    .default('sqlite')
    .describe('time-series store: sqlite (embedded) or influxdb'),
  STADTDATEN_INFLUXDB_URL: z
    .string()
    .url()
    .optional()
    .describe('InfluxDB base URL of the v1-compatible API, e.g. https://influxdb.example:8086'),
  STADTDATEN_INFLUXDB_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "PEM file with the CA certificate of InfluxDB's HTTPS certificate; unset trusts Node.js' built-in CAs",
    ),
  STADTDATEN_INFLUXDB_USERNAME: z.string().optional().describe('InfluxDB user'),
  STADTDATEN_INFLUXDB_PASSWORD: z
    .string()
    .optional()
    .meta({ [SECRET]: true })
    .describe('InfluxDB password'),
  STADTDATEN_INFLUXDB_DATABASE_LAYOUT: z
    .enum(['per-tenant-profile', 'single'])
    .default('per-tenant-profile')
    .describe(
      'one database per tenant and storage profile, or one database for all (InfluxDB 3 Core allows only five)',
    ),
  STADTDATEN_INFLUXDB_DATABASE_PREFIX: z
    .string()
    .default('stadtdaten')
    .describe('prefix of the InfluxDB database names'),

  STADTDATEN_REGISTRY: z
    .enum(['sqlite', 'postgres'])
    .default('sqlite')
    .describe('registry and dead-letter store: sqlite or postgres'),
  STADTDATEN_POSTGRES_URL: z
    .string()
    .optional()
    .meta({ [SECRET]: true })
    .describe(
      'PostgreSQL connection URL, postgres://user:password@host:port/database?sslmode=verify-full&sslrootcert=/path/to/ca.crt (sslrootcert: PEM file of the CA; leave it out for a certificate of a public CA)',
    ),

  STADTDATEN_AUTH: z
    .enum(['builtin', 'oidc'])
    .default('builtin')
    .describe('token verification: builtin issuer or oidc (Keycloak)'),
  STADTDATEN_OIDC_ISSUER: z
    .string()
    .url()
    .optional()
    .describe('OIDC issuer URL, e.g. https://keycloak.example/realms/stadtdaten'),
  STADTDATEN_OIDC_AUDIENCE: z
    .string()
    .default('stadtdaten')
    .describe('audience every access token must carry'),
  STADTDATEN_OIDC_JWKS_URL: z
    .string()
    .url()
    .optional()
    .describe("JWKS URL; default: from the issuer's discovery document"),
  STADTDATEN_OIDC_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      "PEM file with the CA certificate of the identity provider's HTTPS certificate, used for discovery and JWKS only; unset trusts Node.js' built-in CAs",
    ),

  STADTDATEN_MQTT: z
    .enum(['embedded', 'external'])
    .default('embedded')
    .describe('MQTT edge: embedded broker or external broker (Mosquitto)'),
  STADTDATEN_MQTT_URL: z.string().optional().describe('external broker URL, e.g. mqtts://127.0.0.1:8883'),
  STADTDATEN_MQTT_CA_FILE: z.string().optional().describe('CA certificate file of the external broker'),
  STADTDATEN_MQTT_CERT_FILE: z.string().optional().describe('client certificate file of the gateway'),
  STADTDATEN_MQTT_KEY_FILE: z
    .string()
    .optional()
    .meta({ [SECRET]: true })
    .describe('client key file of the gateway'),
  STADTDATEN_MQTT_CLIENT_ID: z
    .string()
    .default('stadtdaten-ingest-gateway')
    .describe("client id prefix of the gateway's persistent sessions (one per connection)"),
  STADTDATEN_MQTT_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(16)
    .describe('connections of the gateway to the external broker, joined in an MQTT 5 shared subscription'),
  STADTDATEN_MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('stadtdaten-gateway')
    .describe('name of the shared-subscription group that all gateways of one deployment join'),
  STADTDATEN_ALLOW_PLAINTEXT: booleanSetting(false).describe(
    'allow connections to production systems and listeners on non-loopback addresses without TLS; each is logged as a warning at start',
  ),
};

type AdapterConfig = { [K in keyof typeof adapterSettings]: z.infer<(typeof adapterSettings)[K]> };

/** Settings each production adapter needs, by the adapter setting that selects it. */
const REQUIRED: [keyof AdapterConfig, string, (keyof AdapterConfig)[]][] = [
  ['STADTDATEN_EVENT_LOG', 'kafka', ['STADTDATEN_KAFKA_BROKERS']],
  ['STADTDATEN_TIMESERIES', 'influxdb', ['STADTDATEN_INFLUXDB_URL']],
  ['STADTDATEN_REGISTRY', 'postgres', ['STADTDATEN_POSTGRES_URL']],
  ['STADTDATEN_AUTH', 'oidc', ['STADTDATEN_OIDC_ISSUER']],
  ['STADTDATEN_MQTT', 'external', ['STADTDATEN_MQTT_URL']],
];

/** Settings that only work together: each group is set completely or not at all. */
const TOGETHER: string[][] = [
  ['STADTDATEN_KAFKA_SASL_MECHANISM', 'STADTDATEN_KAFKA_SASL_USERNAME', 'STADTDATEN_KAFKA_SASL_PASSWORD'],
  ['STADTDATEN_HTTP_TLS_CERT_FILE', 'STADTDATEN_HTTP_TLS_KEY_FILE'],
];

/** Adds the checks that settings which only work together are set together. */
export function requireSettingGroups(config: Record<string, unknown>, context: z.RefinementCtx): void {
  for (const group of TOGETHER) {
    const missing = group.filter((name) => config[name] === undefined);
    if (missing.length === 0 || missing.length === group.length) {
      continue;
    }
    for (const name of missing) {
      const given = group.filter((other) => !missing.includes(other));
      context.addIssue({
        code: 'custom',
        path: [name],
        message: `is required when ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set; set it or unset ${given.join(' and ')}`,
      });
    }
  }
}

/**
 * Adds the checks that a selected production adapter has its connection settings, and that
 * settings which only work together are set together.
 */
export function requireAdapterSettings<T extends Partial<AdapterConfig>>(
  config: T,
  context: z.RefinementCtx,
): void {
  requireSettingGroups(config as Record<string, unknown>, context);
  for (const [selector, value, needed] of REQUIRED) {
    if (config[selector] !== value) {
      continue;
    }
    for (const name of needed) {
      const setting = config[name];
      if (setting === undefined || (Array.isArray(setting) && setting.length === 0)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `is required when ${selector}=${value}; set it or choose another adapter`,
        });
      }
    }
  }
}

export type { AdapterConfig };
