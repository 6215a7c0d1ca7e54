import { join } from 'node:path';
import {
  BUILTIN_ISSUER,
  type BuiltinIssuer,
  JwksTokenVerifier,
  LocalTokenVerifier,
  type TokenVerifier,
} from '@stadtdaten/auth';
import type { AdapterConfig } from '@stadtdaten/config';
import { PostgresRejectionStore, type RejectionStore, SqliteRejectionStore } from '@stadtdaten/dead-letter';
import { type EventLog, KafkaEventLog, SqliteEventLog } from '@stadtdaten/event-log';
import type { Logger } from '@stadtdaten/observability';
import { type PseudonymizeFn, type RegistryService, openRegistry } from '@stadtdaten/registry';
import { InfluxTimeSeriesStore, SqliteTimeSeriesStore, type TimeSeriesStore } from '@stadtdaten/timeseries';
import { kafkaSecurityOptions, readOptionalCa } from './tls-files';

/** File names of the embedded adapters under the data directory. */
export const EMBEDDED_FILES = {
  eventLog: 'event-log.sqlite',
  registry: 'registry.sqlite',
  timeSeries: 'timeseries.sqlite',
  personalTimeSeries: 'timeseries-personal.sqlite',
  rejections: 'rejections.sqlite',
} as const;

/** Settings of the process and its adapter choice, as the adapter factories take them. */
export interface AdapterContext {
  service: string;
  dataDir: string;
  logger: Logger;
  adapters: Partial<AdapterConfig>;
  eventLogPollIntervalMs?: number;
}

/** Creates the event log the configuration selects: Kafka, or SQLite under the data directory. */
export function createEventLog(context: AdapterContext): EventLog {
  const { adapters, logger } = context;
  const log = logger.child({ component: 'event-log' });
  if (adapters.STADTDATEN_EVENT_LOG === 'kafka') {
    return new KafkaEventLog({
      brokers: adapters.STADTDATEN_KAFKA_BROKERS ?? [],
      clientId: `${adapters.STADTDATEN_KAFKA_CLIENT_ID ?? 'stadtdaten'}-${context.service}`,
      partitions: adapters.STADTDATEN_KAFKA_PARTITIONS,
      replicationFactor: adapters.STADTDATEN_KAFKA_REPLICATION_FACTOR,
      ...kafkaSecurityOptions(adapters),
      logger: log,
    });
  }

  return new SqliteEventLog({
    path: join(context.dataDir, EMBEDDED_FILES.eventLog),
    logger: log,
    pollIntervalMs: context.eventLogPollIntervalMs,
  });
}

/** Creates the time-series store of non-personal observations: InfluxDB, or SQLite under the data directory. */
export function createTimeSeriesStore(context: AdapterContext, personal: boolean): TimeSeriesStore {
  const { adapters, logger } = context;
  if (adapters.STADTDATEN_TIMESERIES === 'influxdb') {
    // Personal observations go to databases of their own prefix, with the same credentials for now.
    // TODO: give the personal-data databases their own InfluxDB credentials.
    const prefix = adapters.STADTDATEN_INFLUXDB_DATABASE_PREFIX ?? 'stadtdaten';

    return new InfluxTimeSeriesStore({
      url: adapters.STADTDATEN_INFLUXDB_URL!,
      ca: readOptionalCa('STADTDATEN_INFLUXDB_CA_FILE', adapters.STADTDATEN_INFLUXDB_CA_FILE),
      username: adapters.STADTDATEN_INFLUXDB_USERNAME,
      password: adapters.STADTDATEN_INFLUXDB_PASSWORD,
      databaseLayout: adapters.STADTDATEN_INFLUXDB_DATABASE_LAYOUT ?? 'per-tenant-profile',
      databasePrefix: personal ? `${prefix}_personal` : prefix,
      logger: logger.child({ component: personal ? 'time-series-personal' : 'time-series' }),
    });
  }
  const file = personal ? EMBEDDED_FILES.personalTimeSeries : EMBEDDED_FILES.timeSeries;

  return new SqliteTimeSeriesStore({ path: join(context.dataDir, file) });
}

/** Creates the dead-letter store: PostgreSQL beside the registry, or SQLite under the data directory. */
export function createRejectionStore(context: AdapterContext): RejectionStore {
  const { adapters, logger } = context;
  if (adapters.STADTDATEN_REGISTRY === 'postgres') {
    return new PostgresRejectionStore({
      url: adapters.STADTDATEN_POSTGRES_URL!,
      logger: logger.child({ component: 'rejection-store' }),
    });
  }

  return new SqliteRejectionStore({ path: join(context.dataDir, EMBEDDED_FILES.rejections) });
}

/** How often the embedded registry looks for commits of other processes, in milliseconds. */
const REGISTRY_WATCH_INTERVAL_MS = 1000;

/** Opens the registry: PostgreSQL, or SQLite under the data directory. */
export async function openConfiguredRegistry(context: AdapterContext, pseudonymize?: PseudonymizeFn): Promise<RegistryService> {
  const { adapters } = context;
  if (adapters.STADTDATEN_REGISTRY === 'postgres') {
    const registry = await openRegistry({ type: 'postgres', url: adapters.STADTDATEN_POSTGRES_URL!, pseudonymize });
    // Catalog changes made by another service reach this cache through PostgreSQL notifications.
    registry.watchExternalChanges(REGISTRY_WATCH_INTERVAL_MS);

    return registry;
  }
  const registry = await openRegistry({
    type: 'sqlite',
    path: join(context.dataDir, EMBEDDED_FILES.registry),
    pseudonymize,
  });
  // Catalog changes made by another process on the same data folder reach this cache within a second.
  registry.watchExternalChanges(REGISTRY_WATCH_INTERVAL_MS);

  return registry;
}

/** Creates the token verifier: Keycloak's JWKS (OIDC), or the built-in issuer's key. */
export function createTokenVerifier(context: AdapterContext, issuer: BuiltinIssuer): TokenVerifier {
  const { adapters, logger } = context;
  if (adapters.STADTDATEN_AUTH === 'oidc') {
    return new JwksTokenVerifier({
      issuer: adapters.STADTDATEN_OIDC_ISSUER!,
      audience: adapters.STADTDATEN_OIDC_AUDIENCE ?? 'stadtdaten',
      jwksUrl: adapters.STADTDATEN_OIDC_JWKS_URL,
      ca: readOptionalCa('STADTDATEN_OIDC_CA_FILE', adapters.STADTDATEN_OIDC_CA_FILE),
      logger: logger.child({ component: 'token-verifier' }),
    });
  }

  return new LocalTokenVerifier([issuer.publicJwk], BUILTIN_ISSUER);
}
