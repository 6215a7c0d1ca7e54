import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';

import type { TopicOptions } from './event-log.port';

/** Offsets per partition, keyed by `partitionKey(topic, partition)`. */
export type PartitionOffsets = Map<string, bigint>;

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * Topic creation and offset queries through the kafkajs admin client. Topics known to exist are
 * cached, so append() costs a metadata request only for the first record of a new topic.
 *
 * NOTE: the cache is never invalidated, so after a topic is deleted on the broker, appends to it
 * fail (kafkajs finds no metadata) until the KafkaEventLog is created again.
 */
export class KafkaTopicAdmin {
  private readonly knownTopics = new Set<string>();
  private readonly creations = new Map<string, Promise<void>>();

  constructor(
    private readonly admin: Admin,
    private readonly defaults: Required<TopicOptions>,
    private readonly logger: Logger,
  ) {}

  /** Creates the topics that do not exist yet and waits until each has a partition leader. */
  async ensureTopics(topics: string[], options: TopicOptions = {}): Promise<void> {
    const settings = this.resolveTopicOptions(options);
    const missing = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (missing.length === 0) return;

    const existing = new Set(await this.admin.listTopics());
    await Promise.all(
      missing.map((topic) => {
        if (!existing.has(topic)) return this.createTopic(topic, settings);

        this.knownTopics.add(topic);

        return undefined;
      }),
    );
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** High watermarks (the offset the next record will get) of every partition of the topics. */
  async endOffsets(topics: string[]): Promise<PartitionOffsets> {
    const offsets: PartitionOffsets = new Map();
    for (const topic of topics) {
      for (const { partition, high } of await this.admin.fetchTopicOffsets(topic)) {
        offsets.set(partitionKey(topic, partition), BigInt(high));
      }
    }

    return offsets;
  }

  /** Returns the group's committed offsets, leaving out partitions without one. */
  async committedOffsets(groupId: string, topics: string[]): Promise<PartitionOffsets> {
    const offsets: PartitionOffsets = new Map();
    if (topics.length === 0) return offsets;

    for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId, topics })) {
      for (const { partition, offset } of partitions) {
        const committed = BigInt(offset);
        if (committed >= 0n) offsets.set(partitionKey(topic, partition), committed);
      }
    }

    return offsets;
  }

  /**
   * Records between the group's position and the high watermark, summed over the partitions of
   * the topics. A partition without a committed offset counts from `startOffsets` where given
   * and from its earliest retained record otherwise.
   */
  async lag(groupId: string, topics: string[], startOffsets: PartitionOffsets): Promise<number> {
    const committed = await this.committedOffsets(groupId, topics);
    let total = 0n;
    for (const topic of topics) {
      for (const { partition, high, low } of await this.admin.fetchTopicOffsets(topic)) {
        const key = partitionKey(topic, partition);
        const earliest = BigInt(low);
        const position = committed.get(key) ?? startOffsets.get(key) ?? earliest;
        const behind = BigInt(high) - (position > earliest ? position : earliest);
        if (behind > 0n) total += behind;
      }
    }

    return Number(total);
  }

  private async createTopic(topic: string, settings: Required<TopicOptions>): Promise<void> {
    let creation = this.creations.get(topic);
    if (creation === undefined) {
      creation = this.sendCreateTopic(topic, settings).finally(() => this.creations.delete(topic));
      this.creations.set(topic, creation);
    }

    await creation;
  }

  private async sendCreateTopic(topic: string, settings: Required<TopicOptions>): Promise<void> {
    const { partitions: numPartitions, replicationFactor } = settings;
    let created: boolean;
    try {
      // Returns false when another client created the topic in the meantime.
      created = await this.admin.createTopics({
        topics: [{ topic, numPartitions, replicationFactor }],
        waitForLeaders: true,
      });
    } catch (error) {
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `creating Kafka topic ${topic} with ${numPartitions} partitions and replication factor ${replicationFactor} failed: ${errorMessage(error)}; check that the brokers run and that replicationFactor does not exceed their number`,
        { cause: error, retriable: true, details: { topic } },
      );
    }

    this.knownTopics.add(topic);
    if (created) this.logger.info({ topic, numPartitions, replicationFactor }, 'event log topic created');
  }

  private resolveTopicOptions(options: TopicOptions): Required<TopicOptions> {
    return {
      partitions: topicOption('partitions', options.partitions, this.defaults.partitions),
      replicationFactor: topicOption(
        'replicationFactor',
        options.replicationFactor,
        this.defaults.replicationFactor,
      ),
    };
  }
}

function topicOption(name: keyof TopicOptions, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value > 0) return value;

  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `invalid topic option ${name}=${value}; pass a positive integer or leave it out for the default`,
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Returns whether a later attempt can succeed, as kafkajs marks it (an unreachable broker, a leader
 * election). kafkajs wraps the last error in a non-retriable one when its retries run out, so
 * the innermost cause decides.
 */
export function isRetriableKafkaError(error: unknown): boolean {
  let innermost = error;
  for (let depth = 0; depth < 10 && innermost instanceof Error && innermost.cause !== undefined; depth += 1) {
    innermost = innermost.cause;
  }

  return (innermost as { retriable?: unknown } | undefined)?.retriable !== false;
}
