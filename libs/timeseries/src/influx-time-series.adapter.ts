import { AppError, ErrorCode, type AggregatePoint, type StoredObservation } from '@stadtdaten/contracts';
import type { Logger } from 'pino';

import { InfluxHttpClient } from './influx-http.client';
import { type PointTags, hasLineBreak, toLine } from './influx-line-protocol';
import { isRetentionDays, MAX_RETENTION_DAYS, tenantDatabase } from './influx-layout';
import {
  combineBuckets,
  mergeObservations,
  newestPerDatastream,
  observationsOf,
  partialBucketsOf,
  sharedBuckets,
} from './influx-results';
import { InfluxSchemaManager } from './influx-schema.manager';
import { InfluxSourceCatalog, type TenantSource } from './influx-source.catalog';
import {
  type InfluxObservation,
  type InfluxTimeSeriesStoreOptions,
  type ResolvedInfluxOptions,
  resolveInfluxOptions,
} from './influx-time-series.options';
import {
  MAX_INFLUX_TIME_MS,
  MIN_INFLUX_TIME_MS,
  type SeriesFilter,
  selectAggregate,
  selectCount,
  selectLastPoint,
  selectLatest,
  selectRange,
  deleteStatement,
} from './influxql';
import {
  validateAggregateQuery,
  validateObservation,
  validateObservationQuery,
} from './time-series-query.validation';
import { type AggregateQuery, type ObservationQuery, TimeSeriesStore } from './time-series-store.port';

/** Datastreams per latest() statement, to keep each statement's WHERE clause short. */
const LATEST_CHUNK = 100;
const PING_TIMEOUT_MS = 5_000;

/** Points of one write that go to the same database and retention policy. */
interface WriteGroup {
  database: string;
  retentionDays: number | undefined;
  lines: string[];
}

/**
 * Time-series store on InfluxDB over its v1-compatible HTTP API: line protocol to
 * `POST /write?precision=ms`, InfluxQL to `/query`, `/ping` for health. InfluxDB 1.x, 2.x and 3.x
 * serve this API; only 1.6 was tested.
 *
 * Each observation is a point of the measurement `observations`, tagged with its datastream (and
 * tenant and profile in the single layout), timestamped with its phenomenon time in ms. InfluxDB
 * identifies a point by measurement, tag set and timestamp, and a second write of the same point
 * replaces its fields. Observation ids derive from tenant, datastream and phenomenon time, so the
 * same id always lands on the same point and redelivered or replayed writes never duplicate.
 */
export class InfluxTimeSeriesStore extends TimeSeriesStore {
  private readonly settings: ResolvedInfluxOptions;
  private readonly client: InfluxHttpClient;
  private readonly catalog: InfluxSourceCatalog;
  private readonly schema: InfluxSchemaManager;
  private readonly logger: Logger;
  private connected = false;

  constructor(options: InfluxTimeSeriesStoreOptions) {
    super();
    this.settings = resolveInfluxOptions(options);
    this.logger = options.logger.child({ component: 'influx-time-series-store' });
    this.client = new InfluxHttpClient(this.settings);
    this.catalog = new InfluxSourceCatalog(this.client, {
      kind: this.settings.layout,
      prefix: this.settings.databasePrefix,
      database: this.settings.database,
    });
    this.schema = new InfluxSchemaManager(
      this.client,
      this.catalog,
      this.settings.createDatabases,
      this.logger,
    );
  }

  /** Checks `/ping` and, in the single layout, creates the database. */
  override async connect(): Promise<void> {
    if (this.connected) return;

    const { status, version } = await this.client.ping(PING_TIMEOUT_MS);
    if (status !== 204) {
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `InfluxDB at ${this.client.displayUrl} returned status ${status} to /ping instead of 204; check that the url points to InfluxDB's v1-compatible API`,
        { retriable: true, details: { url: this.client.displayUrl, status } },
      );
    }
    if (this.settings.layout === 'single') await this.schema.ensureDatabase(this.settings.database);
    this.connected = true;
    this.logger.info(
      { url: this.client.displayUrl, version, layout: this.settings.layout },
      'time-series store connected',
    );
  }

  /**
   * Writes observations in POST /write calls of `writeBatchSize` points per database and
   * retention policy. A failed call leaves earlier calls written; retrying the whole write is
   * safe because every point replaces itself. Throws a retriable AppError on timeouts, network
   * errors and 5xx, and a non-retriable one naming InfluxDB's error on other 4xx.
   */
  override async write(observations: InfluxObservation[]): Promise<void> {
    this.requireConnected();
    observations.forEach((observation, index) => validatePoint(observation, index));
    if (observations.length === 0) return;

    for (const group of this.groupPoints(observations)) {
      await this.writeGroup(group);
    }
  }

  override async query(query: ObservationQuery): Promise<StoredObservation[]> {
    this.requireConnected();
    validateObservationQuery(query);
    if (query.fromMs >= query.toMs) return [];

    const order = query.order ?? 'asc';
    const sources = await this.catalog.sourcesOf(query.tenant);
    const filter = this.filter(query.tenant, [query.datastreamId]);
    const statements = sources.map((source) =>
      selectRange(source, filter, { fromMs: query.fromMs, toMs: query.toMs, order, limit: query.limit }),
    );
    const results = await this.run(statements);

    const observations = results.flatMap((series, index) =>
      observationsOf(series, { tenant: query.tenant, profile: sources[index].profile }),
    );

    return mergeObservations(observations, order, query.limit);
  }

  override async aggregate(query: AggregateQuery): Promise<AggregatePoint[]> {
    this.requireConnected();
    validateAggregateQuery(query);
    if (query.fromMs >= query.toMs) return [];

    const sources = await this.catalog.sourcesOf(query.tenant);
    const filter = this.filter(query.tenant, [query.datastreamId]);
    const results = await this.run(sources.map((source) => selectAggregate(source, filter, query)));
    const partials = results.flatMap((series, index) => partialBucketsOf(series, index));

    const lastValues =
      query.aggregate === 'last' ? await this.resolveSharedLast(query, sources, filter, partials) : undefined;

    return combineBuckets(query.aggregate, partials, lastValues);
  }

  /** Runs `SELECT ... GROUP BY "datastream" ORDER BY time DESC LIMIT 1` per chunk of datastreams. */
  override async latest(tenant: string, datastreamIds: string[]): Promise<Map<string, StoredObservation>> {
    this.requireConnected();
    const unique = [...new Set(datastreamIds)];
    if (unique.length === 0) return new Map();

    const sources = await this.catalog.sourcesOf(tenant);
    const statements: string[] = [];
    const profiles: Array<string | undefined> = [];
    for (let offset = 0; offset < unique.length; offset += LATEST_CHUNK) {
      const filter = this.filter(tenant, unique.slice(offset, offset + LATEST_CHUNK));
      for (const source of sources) {
        statements.push(selectLatest(source, filter));
        profiles.push(source.profile);
      }
    }
    const results = await this.run(statements);

    return newestPerDatastream(
      results.flatMap((series, index) => observationsOf(series, { tenant, profile: profiles[index] })),
    );
  }

  override readonly enforcesRetention = true;

  /** Runs an InfluxQL DELETE in every database of the tenant; it covers all retention policies there. */
  override async deleteRange(tenant: string, datastreamId: string, fromMs: number, toMs: number): Promise<void> {
    this.requireConnected();
    const sources = await this.catalog.sourcesOf(tenant);
    const databases = [...new Set(sources.map((source) => source.database))];
    for (const database of databases) {
      await this.client.query([deleteStatement(this.filter(tenant, [datastreamId]), fromMs, toMs)], database);
    }
  }

  override async count(tenant: string, datastreamId?: string): Promise<number> {
    this.requireConnected();
    const sources = await this.catalog.sourcesOf(tenant);
    const filter = this.filter(tenant, datastreamId === undefined ? undefined : [datastreamId]);
    const results = await this.run(sources.map((source) => selectCount(source, filter)));

    return results
      .flatMap((series) => series ?? [])
      .flatMap((entry) => entry.values.map((row) => Number(row[entry.columns.indexOf('count')] ?? 0)))
      .reduce((total, value) => total + value, 0);
  }

  /**
   * Creates or alters the retention policy `rp_<days>d` of the tenant's database for `profile`
   * (in the single layout: of the one database, shared by all tenants), and returns its name.
   * InfluxDB keeps retention per database and retention policy, so a datastream's retention is
   * the policy its points are written to: pass `retentionDays` with each observation. Changing a
   * datastream's retention sends its new points to another policy, and its older points expire
   * with the policy they were written to.
   */
  async applyRetention(tenant: string, profile: string, days: number): Promise<string> {
    this.requireConnected();
    if (!isRetentionDays(days)) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `invalid retention ${days} days; use an integer from 1 to ${MAX_RETENTION_DAYS}`,
        {
          details: { days },
        },
      );
    }
    const database = this.databaseOf(tenant, profile);
    await this.schema.ensureDatabase(database);

    return this.schema.applyRetentionPolicy(database, days);
  }

  override async isHealthy(): Promise<boolean> {
    if (!this.connected) return false;
    try {
      return (
        (await this.client.ping(Math.min(PING_TIMEOUT_MS, this.settings.requestTimeoutMs))).status === 204
      );
    } catch {
      return false;
    }
  }

  override async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.client.close();
    this.logger.info({ url: this.client.displayUrl }, 'time-series store closed');
  }

  private groupPoints(observations: InfluxObservation[]): WriteGroup[] {
    const groups = new Map<string, WriteGroup>();
    for (const observation of observations) {
      const database = this.databaseOf(observation.tenant, observation.storageProfile);
      const retentionDays = observation.retentionDays ?? undefined;
      const key = `${database}\u0000${retentionDays ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { database, retentionDays, lines: [] };
        groups.set(key, group);
      }
      group.lines.push(toLine(observation, this.tagsOf(observation)));
    }

    return [...groups.values()];
  }

  private async writeGroup({ database, retentionDays, lines }: WriteGroup): Promise<void> {
    await this.schema.ensureDatabase(database);
    const retentionPolicy =
      retentionDays === undefined
        ? undefined
        : await this.schema.ensureRetentionPolicy(database, retentionDays);

    for (let offset = 0; offset < lines.length; offset += this.settings.writeBatchSize) {
      const body = lines.slice(offset, offset + this.settings.writeBatchSize).join('\n');
      try {
        const { droppedBeyondRetention } = await this.client.write(database, retentionPolicy, body);
        if (droppedBeyondRetention > 0) {
          // Such points would have expired already, so dropping them matches their retention.
          this.logger.debug(
            { database, retentionPolicy, dropped: droppedBeyondRetention },
            'points older than the retention dropped',
          );
        }
      } catch (error) {
        if (error instanceof AppError && error.details.status === 404) this.schema.forget(database);
        throw error;
      }
    }
  }

  /** Resolves `last` for buckets that several sources share, by the time of each source's last point. */
  private async resolveSharedLast(
    query: AggregateQuery,
    sources: TenantSource[],
    filter: SeriesFilter,
    partials: ReturnType<typeof partialBucketsOf>,
  ): Promise<Map<number, number | null>> {
    const shared = [...sharedBuckets(partials)].flatMap(([bucketStartMs, sourceIndexes]) =>
      sourceIndexes.map((source) => ({ bucketStartMs, source })),
    );
    if (shared.length === 0) return new Map();

    const statements = shared.map(({ bucketStartMs, source }) =>
      selectLastPoint(
        sources[source],
        filter,
        Math.max(bucketStartMs, query.fromMs),
        Math.min(bucketStartMs + query.intervalMs, query.toMs),
      ),
    );
    const results = await this.run(statements);
    const newest = new Map<number, { timeMs: number; value: number | null }>();
    results.forEach((series, index) => {
      const row = series?.[0]?.values[0];
      if (row === undefined) return;
      const { bucketStartMs } = shared[index];
      const timeMs = Number(row[0]);
      const current = newest.get(bucketStartMs);
      if (current === undefined || timeMs > current.timeMs)
        newest.set(bucketStartMs, { timeMs, value: row[1] === null ? null : Number(row[1]) });
    });

    return new Map([...newest].map(([bucketStartMs, { value }]) => [bucketStartMs, value]));
  }

  /** Runs statements in one request; sources that vanished since they were listed return nothing. */
  private async run(statements: string[]) {
    if (statements.length === 0) return [];
    const results = await this.client.query(statements);
    if (results.some((series) => series === undefined)) this.catalog.invalidate();

    return results;
  }

  private databaseOf(tenant: string, profile: string): string {
    return this.settings.layout === 'single'
      ? this.settings.database
      : tenantDatabase(this.settings.databasePrefix, tenant, profile);
  }

  private tagsOf(observation: StoredObservation): PointTags {
    return this.settings.layout === 'single'
      ? { tenant: observation.tenant, profile: observation.storageProfile }
      : {};
  }

  private filter(tenant: string, datastreamIds: string[] | undefined): SeriesFilter {
    return this.settings.layout === 'single' ? { tenant, datastreamIds } : { datastreamIds };
  }

  private requireConnected(): void {
    if (!this.connected) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'time-series store is not connected; call connect() first');
    }
  }
}

/** Rejects what the port's validation allows but InfluxDB cannot store, naming index and id. */
function validatePoint(observation: InfluxObservation, index: number): void {
  validateObservation(observation, index);
  const problem = pointProblem(observation);
  if (problem === undefined) return;

  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `invalid observation ${index} (id ${JSON.stringify(observation.id)}): ${problem}`,
    {
      details: { index, id: observation.id },
    },
  );
}

function pointProblem(observation: InfluxObservation): string | undefined {
  const time = observation.phenomenonTimeMs;
  if (time < MIN_INFLUX_TIME_MS || time > MAX_INFLUX_TIME_MS) {
    return `phenomenonTimeMs ${time} is outside the range InfluxDB stores (${MIN_INFLUX_TIME_MS} to ${MAX_INFLUX_TIME_MS})`;
  }
  if (hasLineBreak(observation.id)) return 'id contains a line break, which line protocol cannot carry';
  const days = observation.retentionDays;
  if (days !== undefined && days !== null && !isRetentionDays(days)) {
    return `retentionDays ${days} is not an integer from 1 to ${MAX_RETENTION_DAYS}; pass null to keep observations until deleted`;
  }

  return undefined;
}
