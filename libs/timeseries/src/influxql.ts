import type { Aggregate } from '@stadtdaten/contracts';

import { MEASUREMENT, encodeTagText } from './influx-line-protocol';

/**
 * Earliest and latest timestamps InfluxDB stores, in whole milliseconds: its range is
 * int64 nanoseconds with two values reserved at each end (1677-09-21 to 2262-04-11).
 */
export const MIN_INFLUX_TIME_MS = -9_223_372_036_854;
export const MAX_INFLUX_TIME_MS = 9_223_372_036_854;

/** Database and retention policy of one series set that a read has to look at. */
export interface InfluxSource {
  database: string;
  retentionPolicy: string;
}

/** Tag conditions of a read: the tenant tag in the single-database layout, and the datastream. */
export interface SeriesFilter {
  tenant?: string;
  datastreamIds?: string[];
}

/**
 * Escapes the body of a quoted string or identifier. InfluxQL 1.x accepts the escapes `\\`,
 * `\'`, `\"` and `\n` inside quotes and rejects a raw line break; InfluxDB 3 accepts the same.
 */
function escapeQuoted(value: string, quote: "'" | '"'): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(quote === "'" ? /'/g : /"/g, `\\${quote}`)
    .replace(/\n/g, '\\n');
}

/** Quotes a string literal: `it's` becomes `'it\'s'`. */
export function quoteString(value: string): string {
  return `'${escapeQuoted(value, "'")}'`;
}

/** Quotes an identifier (database, retention policy, measurement, tag or field key). */
export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name, '"')}"`;
}

/** Formats epoch milliseconds as an RFC 3339 literal, clamped to the range InfluxDB stores. */
export function timeLiteral(ms: number): string {
  const clamped = Math.min(Math.max(ms, MIN_INFLUX_TIME_MS), MAX_INFLUX_TIME_MS);

  return `'${new Date(clamped).toISOString()}'`;
}

export function fromClause(source: InfluxSource): string {
  return `FROM ${quoteIdentifier(source.database)}.${quoteIdentifier(source.retentionPolicy)}.${quoteIdentifier(MEASUREMENT)}`;
}

/** Builds the WHERE conditions on tags; tag values are compared in their stored, encoded form. */
function tagConditions(filter: SeriesFilter): string[] {
  const conditions: string[] = [];
  if (filter.tenant !== undefined) {
    conditions.push(`"tenant" = ${quoteString(encodeTagText(filter.tenant))}`);
  }
  if (filter.datastreamIds !== undefined) {
    const alternatives = filter.datastreamIds.map((id) => `"datastream" = ${quoteString(encodeTagText(id))}`);
    conditions.push(alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`);
  }

  return conditions;
}

/** InfluxQL DELETE of the filtered series' points with `fromMs <= time < toMs`, run against one database. */
export function deleteStatement(filter: SeriesFilter, fromMs: number, toMs: number): string {
  return `DELETE FROM ${quoteIdentifier(MEASUREMENT)} ${whereClause(filter, fromMs, toMs)}`;
}

/** WHERE clause with the tag conditions and `fromMs <= time < toMs`. */
function whereClause(filter: SeriesFilter, fromMs: number, toMs: number, toInclusive = false): string {
  const conditions = [
    ...tagConditions(filter),
    `time >= ${timeLiteral(fromMs)}`,
    `time ${toInclusive ? '<=' : '<'} ${timeLiteral(toMs)}`,
  ];

  return `WHERE ${conditions.join(' AND ')}`;
}

/** Fields and tags that a raw read returns, in this order after `time`. */
export const OBSERVATION_COLUMNS = [
  'id',
  'result_time_ms',
  'received_at_ms',
  'result_type',
  'value',
  'value_text',
  'value_bool',
  'value_json',
  'quality_flags',
  'datastream',
  'profile',
] as const;

const SELECT_OBSERVATION = `SELECT ${OBSERVATION_COLUMNS.map(quoteIdentifier).join(', ')}`;

/**
 * Raw points of one datastream in [fromMs, toMs). InfluxDB 1.x merges every series that matches
 * the WHERE clause into one result when there is no GROUP BY, so ORDER BY and LIMIT apply to the
 * merged points, not per series.
 */
export function selectRange(
  source: InfluxSource,
  filter: SeriesFilter,
  range: { fromMs: number; toMs: number; order: 'asc' | 'desc'; limit?: number },
): string {
  const order = range.order === 'desc' ? ' ORDER BY time DESC' : '';
  const limit = range.limit === undefined ? '' : ` LIMIT ${range.limit}`;

  return `${SELECT_OBSERVATION} ${fromClause(source)} ${whereClause(filter, range.fromMs, range.toMs)}${order}${limit}`;
}

/**
 * Newest point of each datastream in the filter. With GROUP BY, InfluxDB 1.x applies LIMIT per
 * group, so `ORDER BY time DESC LIMIT 1` returns exactly one point per datastream.
 */
export function selectLatest(source: InfluxSource, filter: SeriesFilter): string {
  return `${SELECT_OBSERVATION} ${fromClause(source)} ${whereClause(filter, MIN_INFLUX_TIME_MS, MAX_INFLUX_TIME_MS, true)} GROUP BY "datastream" ORDER BY time DESC LIMIT 1`;
}

/** Number of points (every point has an `id` field) in the whole stored time range. */
export function selectCount(source: InfluxSource, filter: SeriesFilter): string {
  return `SELECT COUNT("id") AS "count" ${fromClause(source)} ${whereClause(filter, MIN_INFLUX_TIME_MS, MAX_INFLUX_TIME_MS, true)}`;
}

/**
 * InfluxQL functions per aggregate. Each result can be merged with the result of another source:
 * the mean is computed from sum and count, so it does not need the InfluxQL MEAN.
 */
const AGGREGATE_FUNCTIONS: Record<Aggregate, string> = {
  mean: 'SUM("value") AS "value"',
  min: 'MIN("value") AS "value"',
  max: 'MAX("value") AS "value"',
  sum: 'SUM("value") AS "value"',
  count: 'COUNT("value") AS "value"',
  last: 'LAST("value") AS "value"',
};

/**
 * Aggregates the numeric `value` field per bucket. InfluxDB aligns GROUP BY time() buckets to
 * multiples of the interval since the Unix epoch (UTC), independent of the WHERE bounds, so the
 * first bucket may start before fromMs. fill(none) leaves out buckets without points.
 */
export function selectAggregate(
  source: InfluxSource,
  filter: SeriesFilter,
  query: { fromMs: number; toMs: number; aggregate: Aggregate; intervalMs: number },
): string {
  return `SELECT ${AGGREGATE_FUNCTIONS[query.aggregate]}, COUNT("value") AS "count" ${fromClause(source)} ${whereClause(filter, query.fromMs, query.toMs)} GROUP BY time(${query.intervalMs}ms) fill(none)`;
}

/**
 * Selects the last numeric point in [fromMs, toMs). Without GROUP BY time(), a selector returns
 * the time of the selected point, which decides between two sources that both have a bucket.
 */
export function selectLastPoint(
  source: InfluxSource,
  filter: SeriesFilter,
  fromMs: number,
  toMs: number,
): string {
  return `SELECT LAST("value") AS "value" ${fromClause(source)} ${whereClause(filter, fromMs, toMs)}`;
}
