import type { Aggregate, AggregatePoint, ResultValue, StoredObservation } from '@stadtdaten/contracts';

import type { InfluxSeries } from './influx-http.client';
import { decodeTagText } from './influx-line-protocol';

/** Context that a row does not carry: the tenant of the read and the profile of its source. */
export interface RowContext {
  tenant: string;
  profile?: string;
}

/** Maps the rows of a raw read (see OBSERVATION_COLUMNS) to observations. */
export function observationsOf(series: InfluxSeries[] | undefined, context: RowContext): StoredObservation[] {
  return (series ?? []).flatMap((entry) => {
    const column = columnIndex(entry.columns);

    return (entry.values ?? []).map((row) => {
      const field = (name: string): unknown => row[column.get(name) ?? -1] ?? entry.tags?.[name] ?? null;

      return observationOf(field, context);
    });
  });
}

function observationOf(field: (name: string) => unknown, context: RowContext): StoredObservation {
  const profileTag = field('profile');
  const qualityFlags = field('quality_flags');

  return {
    id: String(field('id')),
    tenant: context.tenant,
    datastreamId: decodeTagText(String(field('datastream'))),
    phenomenonTimeMs: Number(field('time')),
    resultTimeMs: Number(field('result_time_ms')),
    receivedAtMs: Number(field('received_at_ms')),
    result: resultOf(field),
    qualityFlags:
      typeof qualityFlags === 'string' && qualityFlags !== '' ? (JSON.parse(qualityFlags) as string[]) : [],
    storageProfile: typeof profileTag === 'string' ? decodeTagText(profileTag) : (context.profile ?? ''),
  };
}

/**
 * Reads the result from the field that `result_type` names. Points without `result_type`
 * (written by another tool) fall back to the first value field present.
 */
function resultOf(field: (name: string) => unknown): ResultValue {
  switch (field('result_type')) {
    case 'number':
      return Number(field('value'));
    case 'string':
      return String(field('value_text'));
    case 'boolean':
      return Boolean(field('value_bool'));
    case 'json':
      return JSON.parse(String(field('value_json'))) as ResultValue;
  }
  const fallback = field('value') ?? field('value_text') ?? field('value_bool');
  if (fallback !== null) return fallback as ResultValue;

  return JSON.parse(String(field('value_json'))) as ResultValue;
}

function columnIndex(columns: string[]): Map<string, number> {
  return new Map(columns.map((name, index) => [name, index]));
}

/**
 * Merges points of several sources: sorted by phenomenon time, and one point per time. A point
 * stored twice (after a datastream changed retention class or profile) keeps its newest receipt.
 */
export function mergeObservations(
  observations: StoredObservation[],
  order: 'asc' | 'desc',
  limit?: number,
): StoredObservation[] {
  const byTime = new Map<number, StoredObservation>();
  for (const observation of observations) {
    const stored = byTime.get(observation.phenomenonTimeMs);
    if (stored === undefined || observation.receivedAtMs > stored.receivedAtMs) {
      byTime.set(observation.phenomenonTimeMs, observation);
    }
  }
  const sorted = [...byTime.values()].sort((a, b) =>
    order === 'asc' ? a.phenomenonTimeMs - b.phenomenonTimeMs : b.phenomenonTimeMs - a.phenomenonTimeMs,
  );

  return limit === undefined ? sorted : sorted.slice(0, limit);
}

/** Keeps the newest observation of each datastream. */
export function newestPerDatastream(observations: StoredObservation[]): Map<string, StoredObservation> {
  const newest = new Map<string, StoredObservation>();
  for (const observation of observations) {
    const stored = newest.get(observation.datastreamId);
    if (
      stored === undefined ||
      observation.phenomenonTimeMs > stored.phenomenonTimeMs ||
      (observation.phenomenonTimeMs === stored.phenomenonTimeMs &&
        observation.receivedAtMs > stored.receivedAtMs)
    ) {
      newest.set(observation.datastreamId, observation);
    }
  }

  return newest;
}

/** One bucket of one source: the InfluxQL function's value and the count of numeric points. */
export interface PartialBucket {
  bucketStartMs: number;
  value: number | null;
  count: number;
  /** Index of the source, to resolve `last` when several sources share a bucket. */
  source: number;
}

/** Reads the `time`, `value` and `count` columns of an aggregate statement. */
export function partialBucketsOf(series: InfluxSeries[] | undefined, source: number): PartialBucket[] {
  return (series ?? []).flatMap((entry) => {
    const column = columnIndex(entry.columns);

    return (entry.values ?? []).map((row) => ({
      bucketStartMs: Number(row[column.get('time') ?? 0]),
      value: row[column.get('value') ?? -1] === null ? null : Number(row[column.get('value') ?? -1]),
      count: Number(row[column.get('count') ?? -1] ?? 0),
      source,
    }));
  });
}

/**
 * Combines the partial buckets of all sources into the port's aggregate points. `mean` arrives
 * as a sum and is divided by the count here. For `last`, a bucket that several sources share
 * takes the value of `lastValues`, which the caller resolved by point time.
 */
export function combineBuckets(
  aggregate: Aggregate,
  partials: PartialBucket[],
  lastValues: Map<number, number | null> = new Map(),
): AggregatePoint[] {
  const buckets = new Map<number, PartialBucket[]>();
  for (const partial of partials) {
    if (partial.count === 0) continue;
    buckets.set(partial.bucketStartMs, [...(buckets.get(partial.bucketStartMs) ?? []), partial]);
  }

  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucketStartMs, parts]) => {
      const count = parts.reduce((total, part) => total + part.count, 0);

      return {
        bucketStartMs,
        value: combineValue(aggregate, parts, count, lastValues.get(bucketStartMs)),
        count,
      };
    });
}

function combineValue(
  aggregate: Aggregate,
  parts: PartialBucket[],
  count: number,
  lastValue: number | null | undefined,
): number | null {
  const values = parts.map((part) => part.value).filter((value): value is number => value !== null);
  switch (aggregate) {
    case 'mean':
      return values.reduce((total, value) => total + value, 0) / count;
    case 'sum':
      return values.reduce((total, value) => total + value, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'count':
      return count;
    case 'last':
      return parts.length === 1 ? parts[0].value : (lastValue ?? null);
  }
}

/** Buckets that more than one source has; `last` needs the point times to pick a value there. */
export function sharedBuckets(partials: PartialBucket[]): Map<number, number[]> {
  const sources = new Map<number, number[]>();
  for (const partial of partials) {
    if (partial.count === 0) continue;
    sources.set(partial.bucketStartMs, [...(sources.get(partial.bucketStartMs) ?? []), partial.source]);
  }

  return new Map([...sources].filter(([, list]) => list.length > 1));
}
