import { AppError, ErrorCode, type StoredObservation } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

import { DEFAULT_DATABASE_PREFIX, type InfluxDatabaseLayout } from './influx-layout';

export interface InfluxTimeSeriesStoreOptions {
  /** Base URL of InfluxDB's v1-compatible HTTP API, e.g. `https://influxdb.example:8086`. */
  url: string;
  /**
   * PEM CA certificate(s) that an https `url`'s server certificate must chain to, for a private
   * CA. Unset, Node.js' built-in CAs apply.
   */
  ca?: string | Buffer;
  /** Sent with HTTP basic auth; on InfluxDB 2.x and 3.x the password is the API token. */
  username?: string;
  password?: string;
  databaseLayout: InfluxDatabaseLayout;
  /** Start of every database name in the per-tenant-profile layout; default `stadtdaten`. */
  databasePrefix?: string;
  /** The database of the single layout. */
  database?: string;
  logger: Logger;
  /** Points per POST /write, default 5,000. */
  writeBatchSize?: number;
  /** Timeout of each HTTP request in milliseconds, default 30,000. */
  requestTimeoutMs?: number;
  /**
   * Whether the store creates databases and retention policies with InfluxQL (default true).
   * Only InfluxDB 1.x accepts CREATE DATABASE and CREATE RETENTION POLICY over /query, so set
   * this to false on 2.x and create the buckets and their DBRP mappings with the `influx` CLI.
   * InfluxDB 3 Core creates a database on its first write and takes a retention period only
   * when the database is created (`influxdb3 create database --retention-period`).
   */
  createDatabases?: boolean;
}

/**
 * An observation with the retention of its datastream. Points with `retentionDays` go to the
 * retention policy `rp_<days>d` of their database. Points without it go to the database's
 * default policy and are kept until deleted.
 *
 * TODO: the storage writer passes plain StoredObservations, so every point lands in the default
 * policy until it adds retentionDays from the registry's datastream.
 */
export interface InfluxObservation extends StoredObservation {
  retentionDays?: number | null;
}

export const DEFAULT_WRITE_BATCH_SIZE = 5_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const DATABASE_PREFIX = /^[a-z][a-z0-9_]{0,31}$/;

function invalidConfig(message: string): AppError {
  return new AppError(ErrorCode.INVALID_CONFIG, message);
}

/** Checks the options and fills in defaults; throws AppError INVALID_CONFIG naming the bad option. */
export function resolveInfluxOptions(options: InfluxTimeSeriesStoreOptions) {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalidConfig(
      `invalid InfluxDB url ${JSON.stringify(options.url)}; pass an http:// or https:// URL such as http://127.0.0.1:8086`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidConfig(`invalid InfluxDB url protocol ${url.protocol}; use http:// or https://`);
  }
  if (options.ca !== undefined && url.protocol !== 'https:') {
    throw invalidConfig(
      `InfluxDB url ${url.protocol}//${url.host} is not https, so the ca option has no effect; use an https:// URL or leave out ca`,
    );
  }
  if (options.databaseLayout !== 'per-tenant-profile' && options.databaseLayout !== 'single') {
    throw invalidConfig(
      `invalid databaseLayout ${JSON.stringify(options.databaseLayout)}; use 'per-tenant-profile' or 'single'`,
    );
  }

  const databasePrefix = options.databasePrefix ?? DEFAULT_DATABASE_PREFIX;
  if (!DATABASE_PREFIX.test(databasePrefix)) {
    throw invalidConfig(
      `invalid databasePrefix ${JSON.stringify(databasePrefix)}; use 1 to 32 lower-case letters, digits and _, starting with a letter`,
    );
  }
  const database = options.database ?? '';
  if (options.databaseLayout === 'single' && (database.length === 0 || /[\n\r]/.test(database))) {
    throw invalidConfig(
      `invalid database ${JSON.stringify(options.database)} for the single layout; pass the name of the database`,
    );
  }

  const writeBatchSize = options.writeBatchSize ?? DEFAULT_WRITE_BATCH_SIZE;
  if (!Number.isSafeInteger(writeBatchSize) || writeBatchSize < 1 || writeBatchSize > MAX_WRITE_BATCH_SIZE) {
    throw invalidConfig(
      `invalid writeBatchSize ${writeBatchSize}; use an integer from 1 to ${MAX_WRITE_BATCH_SIZE}`,
    );
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isSafeInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw invalidConfig(
      `invalid requestTimeoutMs ${requestTimeoutMs}; use a positive integer of milliseconds`,
    );
  }

  return {
    url: options.url,
    ca: options.ca,
    username: options.username,
    password: options.password,
    layout: options.databaseLayout,
    databasePrefix,
    database,
    writeBatchSize,
    requestTimeoutMs,
    createDatabases: options.createDatabases ?? true,
  };
}

export type ResolvedInfluxOptions = ReturnType<typeof resolveInfluxOptions>;
