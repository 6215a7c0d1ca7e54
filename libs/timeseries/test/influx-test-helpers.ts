import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { observationId, type StoredObservation } from '@stadtdaten/contracts';
import { InfluxTimeSeriesStore, type InfluxTimeSeriesStoreOptions } from '@stadtdaten/timeseries';
import { pino } from 'pino';
import { Agent, fetch } from 'undici';

/** InfluxDB of the dev services; the suites are skipped when it is unset. */
export const influxUrl = process.env.STADTDATEN_INFLUXDB_URL ?? '';

/** CA certificate of the dev services' InfluxDB (HTTPS), or undefined for plain HTTP. */
const caFile = process.env.STADTDATEN_INFLUXDB_CA_FILE;
export const influxCa = caFile ? readFileSync(caFile) : undefined;
const dispatcher = new Agent(influxCa === undefined ? {} : { connect: { ca: influxCa } });

export const SKIP_REASON =
  'STADTDATEN_INFLUXDB_URL is unset; npm test sets it after starting the dev services';

/** Start of every database this test run creates; dropped by dropRunDatabases. */
export const RUN_PREFIX = `sdtest_${randomBytes(3).toString('hex')}`;

/** 2025-01-01T00:00:00Z, a multiple of one day. */
export const BASE_MS = 1_735_689_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

function credentials(): Pick<InfluxTimeSeriesStoreOptions, 'username' | 'password'> {
  const username = process.env.STADTDATEN_INFLUXDB_USERNAME;

  return username === undefined || username === ''
    ? {}
    : { username, password: process.env.STADTDATEN_INFLUXDB_PASSWORD ?? '' };
}

/** Creates a store on the test InfluxDB, in the per-tenant-profile layout under `<RUN_PREFIX>_<suffix>` unless overridden. */
export function makeStore(
  suffix: string,
  overrides: Partial<InfluxTimeSeriesStoreOptions> = {},
): InfluxTimeSeriesStore {
  return new InfluxTimeSeriesStore({
    url: influxUrl,
    ca: influxCa,
    ...credentials(),
    databaseLayout: 'per-tenant-profile',
    databasePrefix: `${RUN_PREFIX}_${suffix}`,
    logger,
    ...overrides,
  });
}

export function makeObservation(
  overrides: Partial<StoredObservation> & Pick<StoredObservation, 'tenant'>,
): StoredObservation {
  const datastreamId = overrides.datastreamId ?? 'ds-1';
  const phenomenonTimeMs = overrides.phenomenonTimeMs ?? BASE_MS;

  return {
    id: observationId(overrides.tenant, datastreamId, phenomenonTimeMs),
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs + 1_000,
    receivedAtMs: phenomenonTimeMs + 2_000,
    result: 1,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
    ...overrides,
  };
}

/** Runs InfluxQL on the test InfluxDB and returns the rows of the first statement's first series. */
export async function rawQuery(statement: string, database?: string): Promise<unknown[][]> {
  const body = new URLSearchParams({ q: statement });
  const parameters = new URLSearchParams({ epoch: 'ms' });
  if (database !== undefined) parameters.set('db', database);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const { username, password } = credentials();
  if (username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const response = await fetch(`${influxUrl}/query?${parameters}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(10_000),
    dispatcher,
  });
  const parsed = (await response.json()) as {
    results: Array<{ error?: string; series?: Array<{ values: unknown[][] }> }>;
  };
  const [result] = parsed.results;
  if (result.error !== undefined) throw new Error(`InfluxQL failed: ${result.error}`);

  return result.series?.[0]?.values ?? [];
}

/** Writes raw line protocol to the test InfluxDB. */
export async function rawWrite(database: string, lines: string): Promise<void> {
  const response = await fetch(`${influxUrl}/write?db=${encodeURIComponent(database)}&precision=ms`, {
    method: 'POST',
    body: lines,
    signal: AbortSignal.timeout(10_000),
    dispatcher,
  });
  if (response.status !== 204)
    throw new Error(`raw write failed with ${response.status}: ${await response.text()}`);
}

export async function listDatabases(): Promise<string[]> {
  return (await rawQuery('SHOW DATABASES')).map((row) => String(row[0]));
}

/** Drops every database of this test run whose name starts with `<RUN_PREFIX>_<suffix>`. */
export async function dropRunDatabases(suffix = ''): Promise<void> {
  const start = suffix === '' ? RUN_PREFIX : `${RUN_PREFIX}_${suffix}`;
  for (const database of await listDatabases()) {
    if (database.startsWith(start)) await rawQuery(`DROP DATABASE "${database}"`);
  }
}
