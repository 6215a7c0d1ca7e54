/** A record to append. `value` is an encoded event from proto/. */
export interface LogRecord {
  /** Partitioning key: device id on raw topics, datastream id after validation. */
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
  /** Defaults to the time of the append. */
  timestampMs?: number;
}

/** A record as a consumer receives it. */
export interface ConsumedRecord extends LogRecord {
  topic: string;
  partition: number;
  /** Position in the partition; strictly increasing, decimal string (Kafka offsets are 64-bit). */
  offset: string;
  timestampMs: number;
  headers: Record<string, string>;
}

/**
 * Handles a batch of records of one topic partition, in offset order. When the promise
 * resolves, the adapter commits the batch's last offset for the group. When it rejects, the
 * adapter commits nothing and delivers the same batch again after a backoff.
 */
export type BatchHandler = (records: ConsumedRecord[]) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group; each group receives every record once (at least once on failures). */
  groupId: string;
  /** Topic names, or a pattern that also matches topics created after the subscription. */
  topics: string[] | RegExp;
  handler: BatchHandler;
  /** Upper bound of records per handler call. */
  maxBatchSize?: number;
  /** Start position of a group with no committed offset; defaults to the earliest record. */
  fromBeginning?: boolean;
}

export interface Subscription {
  /** Stops fetching, waits for the running handler call to finish and commits its offsets. */
  stop(): Promise<void>;
  /** Records appended but not yet committed by this group, summed over its partitions. */
  lag(): Promise<number>;
}

export interface TopicOptions {
  partitions?: number;
  replicationFactor?: number;
}

/**
 * The event log: topics of ordered records, consumer groups and committed offsets.
 * Production runs on Apache Kafka; the embedded adapter keeps the log in SQLite.
 */
export abstract class EventLog {
  /** Connects and prepares internal state; every other call requires it. */
  abstract connect(): Promise<void>;

  /** Creates the topics that do not exist yet; existing topics are left unchanged. */
  abstract ensureTopics(topics: string[], options?: TopicOptions): Promise<void>;

  /** Appends records to one topic; resolves only after the records are durable. */
  abstract append(topic: string, records: LogRecord[]): Promise<void>;

  abstract subscribe(options: SubscribeOptions): Promise<Subscription>;

  /** Returns true while the log responds; drives readiness. */
  abstract isHealthy(): Promise<boolean>;

  /** Stops all subscriptions (committing what was handled) and releases connections. */
  abstract close(): Promise<void>;
}
