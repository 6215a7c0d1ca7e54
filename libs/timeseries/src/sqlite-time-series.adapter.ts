import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';
import {
  AGGREGATES,
  AppError,
  ErrorCode,
  type Aggregate,
  type AggregatePoint,
  type ResultValue,
  type StoredObservation,
} from '@stadtdaten/contracts';

import {
  COUNT_DATASTREAM,
  COUNT_TENANT,
  SELECT_LATEST,
  SELECT_RANGE_ASC,
  SELECT_RANGE_DESC,
  TIME_SERIES_SCHEMA,
  TIME_SERIES_SCHEMA_VERSION,
  UPSERT_OBSERVATION,
  selectAggregate,
} from './sqlite-time-series.sql';
import {
  validateAggregateQuery,
  validateObservation,
  validateObservationQuery,
} from './time-series-query.validation';
import { type AggregateQuery, type ObservationQuery, TimeSeriesStore } from './time-series-store.port';

export interface SqliteTimeSeriesStoreOptions {
  /** SQLite file of the store. The file and its folder are created when missing. */
  path: string;
  /**
   * SQLite `synchronous` setting, default FULL, so a write that resolved survives a power loss.
   * NORMAL survives only a crash of the process.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface ObservationRow {
  id: string;
  tenant: string;
  datastream_id: string;
  phenomenon_time_ms: number;
  result_time_ms: number;
  received_at_ms: number;
  result_number: number | null;
  result_json: string | null;
  quality_flags: string | null;
  storage_profile: string;
}

type Statement = Database.Statement<unknown[], unknown>;

/** The open file with its prepared statements. */
interface OpenStore {
  db: Database.Database;
  upsert: Statement;
  rangeAsc: Statement;
  rangeDesc: Statement;
  latest: Statement;
  countTenant: Statement;
  countDatastream: Statement;
  aggregates: Map<Aggregate, Statement>;
  writeAll: (observations: StoredObservation[]) => void;
}

/**
 * Time-series store in one SQLite file (WAL mode), for running the platform without InfluxDB.
 * Every method runs synchronously on the caller's thread.
 *
 * NOTE: an aggregate or query over a long range blocks the event loop while SQLite reads it.
 * Callers should bound the range, or use the InfluxDB adapter for large histories.
 */
export class SqliteTimeSeriesStore extends TimeSeriesStore {
  private open: OpenStore | undefined;

  constructor(private readonly options: SqliteTimeSeriesStoreOptions) {
    super();
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        'time-series store path is missing; pass the path of the SQLite file',
      );
    }
    if (
      options.synchronous !== undefined &&
      options.synchronous !== 'FULL' &&
      options.synchronous !== 'NORMAL'
    ) {
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `invalid time-series store synchronous setting ${JSON.stringify(options.synchronous)}; use FULL or NORMAL`,
      );
    }
  }

  override async connect(): Promise<void> {
    if (this.open !== undefined) return;

    const db = this.openDatabase();
    const upsert = db.prepare(UPSERT_OBSERVATION);
    this.open = {
      db,
      upsert,
      rangeAsc: db.prepare(SELECT_RANGE_ASC),
      rangeDesc: db.prepare(SELECT_RANGE_DESC),
      latest: db.prepare(SELECT_LATEST),
      countTenant: db.prepare(COUNT_TENANT),
      countDatastream: db.prepare(COUNT_DATASTREAM),
      aggregates: new Map(AGGREGATES.map((aggregate) => [aggregate, db.prepare(selectAggregate(aggregate))])),
      writeAll: db.transaction((observations: StoredObservation[]) => {
        for (const observation of observations) upsert.run(toRow(observation));
      }),
    };
  }

  /** Upserts the observations in one transaction and resolves after it committed. */
  override async write(observations: StoredObservation[]): Promise<void> {
    const { writeAll } = this.requireOpen();
    observations.forEach((observation, index) => validateObservation(observation, index));
    if (observations.length === 0) return;

    writeAll(observations);
  }

  override async query(query: ObservationQuery): Promise<StoredObservation[]> {
    const { rangeAsc, rangeDesc } = this.requireOpen();
    validateObservationQuery(query);
    if (query.fromMs >= query.toMs) return [];

    const statement = query.order === 'desc' ? rangeDesc : rangeAsc;
    const rows = statement.all({ ...rangeParameters(query), limit: query.limit ?? -1 }) as ObservationRow[];

    return rows.map(fromRow);
  }

  override async aggregate(query: AggregateQuery): Promise<AggregatePoint[]> {
    const { aggregates } = this.requireOpen();
    validateAggregateQuery(query);
    if (query.fromMs >= query.toMs) return [];

    const statement = aggregates.get(query.aggregate) as Statement;
    const rows = statement.all({
      ...rangeParameters(query),
      intervalMs: query.intervalMs,
    }) as AggregatePoint[];

    return rows.map(({ bucketStartMs, value, count }) => ({ bucketStartMs, value, count }));
  }

  override async latest(tenant: string, datastreamIds: string[]): Promise<Map<string, StoredObservation>> {
    const { latest } = this.requireOpen();
    const result = new Map<string, StoredObservation>();
    if (datastreamIds.length === 0) return result;

    const rows = latest.all({
      tenant,
      datastreamIds: JSON.stringify([...new Set(datastreamIds)]),
    }) as ObservationRow[];
    for (const row of rows) result.set(row.datastream_id, fromRow(row));

    return result;
  }

  override async count(tenant: string, datastreamId?: string): Promise<number> {
    const { countTenant, countDatastream } = this.requireOpen();
    const row =
      datastreamId === undefined ? countTenant.get(tenant) : countDatastream.get(tenant, datastreamId);

    return (row as { count: number }).count;
  }

  override readonly enforcesRetention = false;

  override async deleteRange(tenant: string, datastreamId: string, fromMs: number, toMs: number): Promise<void> {
    this.requireOpen()
      .db.prepare('DELETE FROM observations WHERE tenant = ? AND datastream_id = ? AND phenomenon_time_ms >= ? AND phenomenon_time_ms < ?')
      .run(tenant, datastreamId, fromMs, toMs);
  }

  override async isHealthy(): Promise<boolean> {
    try {
      return this.open?.db.prepare('SELECT 1').get() !== undefined;
    } catch {
      return false;
    }
  }

  override async close(): Promise<void> {
    this.open?.db.close();
    this.open = undefined;
  }

  private openDatabase(): Database.Database {
    const { path } = this.options;
    let db: Database.Database;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: 5_000 });
    } catch (error) {
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `time-series store file ${path} could not be opened; check the path and its permissions`,
        { cause: error },
      );
    }

    const foundVersion = db.pragma('user_version', { simple: true }) as number;
    if (foundVersion > TIME_SERIES_SCHEMA_VERSION) {
      db.close();
      throw new AppError(
        ErrorCode.INVALID_CONFIG,
        `time-series store file ${path} has schema version ${foundVersion}, newer than the supported ${TIME_SERIES_SCHEMA_VERSION}; run a newer release on it or use another path`,
      );
    }

    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.options.synchronous ?? 'FULL'}`);
    db.transaction(() => {
      db.exec(TIME_SERIES_SCHEMA);
      db.pragma(`user_version = ${TIME_SERIES_SCHEMA_VERSION}`);
    }).immediate();

    return db;
  }

  private requireOpen(): OpenStore {
    if (this.open === undefined) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'time-series store is not connected; call connect() first');
    }

    return this.open;
  }
}

function rangeParameters(query: ObservationQuery | AggregateQuery) {
  return { tenant: query.tenant, datastreamId: query.datastreamId, fromMs: query.fromMs, toMs: query.toMs };
}

function toRow(observation: StoredObservation) {
  const numeric = typeof observation.result === 'number';

  return {
    id: observation.id,
    tenant: observation.tenant,
    datastreamId: observation.datastreamId,
    phenomenonTimeMs: observation.phenomenonTimeMs,
    resultTimeMs: observation.resultTimeMs,
    receivedAtMs: observation.receivedAtMs,
    resultNumber: numeric ? observation.result : null,
    resultJson: numeric ? null : JSON.stringify(observation.result),
    qualityFlags: observation.qualityFlags.length > 0 ? JSON.stringify(observation.qualityFlags) : null,
    storageProfile: observation.storageProfile,
  };
}

function fromRow(row: ObservationRow): StoredObservation {
  const result =
    row.result_json === null ? (row.result_number as number) : (JSON.parse(row.result_json) as ResultValue);

  return {
    id: row.id,
    tenant: row.tenant,
    datastreamId: row.datastream_id,
    phenomenonTimeMs: row.phenomenon_time_ms,
    resultTimeMs: row.result_time_ms,
    receivedAtMs: row.received_at_ms,
    result,
    qualityFlags: row.quality_flags === null ? [] : (JSON.parse(row.quality_flags) as string[]),
    storageProfile: row.storage_profile,
  };
}
