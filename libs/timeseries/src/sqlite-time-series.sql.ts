import type { Aggregate } from '@stadtdaten/contracts';

/**
 * One table for all tenants. The primary key (tenant, datastream_id, phenomenon_time_ms) serves
 * range queries, per-bucket aggregation and the latest lookup. The unique index on id makes a
 * write with a known id replace the stored row. Numeric results go to result_number (REAL) so
 * that SQLite can aggregate them, and every other result is kept as JSON in result_json.
 *
 * NOTE: ids are hashes, so every write dirties a random page of observations_id. On a 2-core VM,
 * tools/bench/timeseries.bench.mjs wrote about 25,000 observations/s in write() calls of 500 with
 * that index and 45,000 without it. Calls of 5,000 reached about 60,000 with it.
 */
export const TIME_SERIES_SCHEMA = `
  CREATE TABLE IF NOT EXISTS observations (
    tenant TEXT NOT NULL,
    datastream_id TEXT NOT NULL,
    phenomenon_time_ms INTEGER NOT NULL,
    id TEXT NOT NULL,
    result_time_ms INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    result_number REAL,
    result_json TEXT,
    quality_flags TEXT,
    storage_profile TEXT NOT NULL,
    PRIMARY KEY (tenant, datastream_id, phenomenon_time_ms)
  ) WITHOUT ROWID;

  CREATE UNIQUE INDEX IF NOT EXISTS observations_id ON observations (id);
`;

export const TIME_SERIES_SCHEMA_VERSION = 1;

const COLUMNS = `id, tenant, datastream_id, phenomenon_time_ms, result_time_ms, received_at_ms,
  result_number, result_json, quality_flags, storage_profile`;

/** Replaces every row that has the same id or the same (tenant, datastream, phenomenon time). */
export const UPSERT_OBSERVATION = `
  INSERT OR REPLACE INTO observations (${COLUMNS})
  VALUES (:id, :tenant, :datastreamId, :phenomenonTimeMs, :resultTimeMs, :receivedAtMs,
    :resultNumber, :resultJson, :qualityFlags, :storageProfile)`;

const RANGE = `tenant = :tenant AND datastream_id = :datastreamId
  AND phenomenon_time_ms >= :fromMs AND phenomenon_time_ms < :toMs`;

export const SELECT_RANGE_ASC = `SELECT ${COLUMNS} FROM observations WHERE ${RANGE}
  ORDER BY phenomenon_time_ms ASC LIMIT :limit`;

export const SELECT_RANGE_DESC = `SELECT ${COLUMNS} FROM observations WHERE ${RANGE}
  ORDER BY phenomenon_time_ms DESC LIMIT :limit`;

/**
 * Newest row of each datastream in the JSON array :datastreamIds. CROSS JOIN keeps the list as
 * the outer loop (SQLite does not reorder it), so each datastream costs two primary-key lookups:
 * the correlated max() and the row itself.
 */
export const SELECT_LATEST = `
  SELECT ${COLUMNS.replace(/(\w+)/g, 'o.$1')}
  FROM json_each(:datastreamIds) AS wanted
  CROSS JOIN observations AS o
    ON o.tenant = :tenant AND o.datastream_id = wanted.value
    AND o.phenomenon_time_ms = (
      SELECT max(m.phenomenon_time_ms) FROM observations AS m
      WHERE m.tenant = :tenant AND m.datastream_id = wanted.value)`;

export const COUNT_TENANT = 'SELECT count(*) AS count FROM observations WHERE tenant = ?';

export const COUNT_DATASTREAM =
  'SELECT count(*) AS count FROM observations WHERE tenant = ? AND datastream_id = ?';

/** SQL of each aggregate over result_number. */
const AGGREGATE_VALUE: Record<Aggregate, string> = {
  mean: 'avg(result_number)',
  min: 'min(result_number)',
  max: 'max(result_number)',
  sum: 'sum(result_number)',
  count: 'count(*)',
  // With exactly one max() in the query, SQLite takes bare columns from the row that has the
  // maximum (SQLite documentation, "Bare columns in an aggregate query").
  last: 'result_number',
};

/**
 * Aggregates numeric results per bucket of :intervalMs. Bucket starts are multiples of the
 * interval counted from the UTC epoch, and the double modulo keeps that true before 1970.
 */
export function selectAggregate(aggregate: Aggregate): string {
  const lastTime = aggregate === 'last' ? ', max(phenomenon_time_ms) AS last_time_ms' : '';

  return `
    SELECT bucket_start_ms AS bucketStartMs, ${AGGREGATE_VALUE[aggregate]} AS value, count(*) AS count${lastTime}
    FROM (
      SELECT phenomenon_time_ms - ((phenomenon_time_ms % :intervalMs) + :intervalMs) % :intervalMs AS bucket_start_ms,
        phenomenon_time_ms, result_number
      FROM observations
      WHERE ${RANGE} AND result_number IS NOT NULL)
    GROUP BY bucket_start_ms
    ORDER BY bucket_start_ms`;
}
