import type { Aggregate, AggregatePoint, StoredObservation } from '@stadtdaten/contracts';

export interface RangeQuery {
  tenant: string;
  datastreamId: string;
  /** Inclusive start, UTC epoch milliseconds. */
  fromMs: number;
  /** Exclusive end, UTC epoch milliseconds. */
  toMs: number;
}

export interface ObservationQuery extends RangeQuery {
  /** Defaults to 'asc' (oldest first). */
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface AggregateQuery extends RangeQuery {
  aggregate: Aggregate;
  /** Bucket width from 60,000 (1 minute) to 86,400,000 (1 day); buckets align to UTC epoch multiples. */
  intervalMs: number;
}

/**
 * The time-series store, partitioned by tenant. Production runs on InfluxDB over its
 * v1-compatible HTTP API; the embedded adapter keeps observations in SQLite.
 */
export abstract class TimeSeriesStore {
  abstract connect(): Promise<void>;

  /**
   * Writes observations; an observation whose id is already stored replaces the stored
   * one, so redeliveries and replays never create duplicates.
   */
  abstract write(observations: StoredObservation[]): Promise<void>;

  abstract query(query: ObservationQuery): Promise<StoredObservation[]>;

  /** Aggregates numeric results per interval; buckets without data are left out. */
  abstract aggregate(query: AggregateQuery): Promise<AggregatePoint[]>;

  /** Returns the newest observation of each datastream that has one. */
  abstract latest(tenant: string, datastreamIds: string[]): Promise<Map<string, StoredObservation>>;

  /** Counts stored observations of a tenant, or of one datastream. */
  abstract count(tenant: string, datastreamId?: string): Promise<number>;

  /**
   * Whether the store drops observations older than their datastream's retention by itself
   * (InfluxDB retention policies); otherwise the storage writer deletes them with deleteRange.
   */
  abstract readonly enforcesRetention: boolean;

  /** Deletes a datastream's observations with `fromMs <= phenomenon time < toMs`. */
  abstract deleteRange(tenant: string, datastreamId: string, fromMs: number, toMs: number): Promise<void>;

  abstract isHealthy(): Promise<boolean>;

  abstract close(): Promise<void>;
}
