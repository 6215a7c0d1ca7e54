import type { Consumer, IMemberAssignment, TopicPartitions } from 'kafkajs';
import type { Logger } from 'pino';

import { type KafkaTopicAdmin, type PartitionOffsets, partitionKey } from './kafka-topic.admin';

interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Start offsets of a subscription with `fromBeginning: false`: the high watermarks of its topics
 * when subscribe() was called. kafkajs resets a partition without a committed offset to the
 * latest record each time a member gets it, which skips records appended between subscribe()
 * and that moment. So when the consumer gets such a partition, this class pauses it, commits
 * the snapshot offset for the group, seeks there and resumes it.
 */
export class KafkaStartPositions {
  /** High watermarks at subscribe(), keyed by `partitionKey()`. Empty with `fromBeginning` true. */
  readonly snapshot: PartitionOffsets = new Map();
  /** Resolves after the first assignment whose start offsets are committed. */
  readonly firstAssignmentDone: Promise<void>;
  private resolveFirstAssignment: () => void = () => undefined;
  /** Partitions whose group offset is known to be committed. */
  private readonly settled = new Set<string>();

  constructor(
    private readonly admin: KafkaTopicAdmin,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {
    this.firstAssignmentDone = new Promise((resolve) => {
      this.resolveFirstAssignment = resolve;
    });
  }

  async takeSnapshot(topics: string[]): Promise<void> {
    for (const [key, offset] of await this.admin.endOffsets(topics)) this.snapshot.set(key, offset);
  }

  /**
   * Runs inside kafkajs' join event, before the consumer fetches, so the pause takes effect
   * before the first fetch of the new assignment.
   */
  async onAssignment(consumer: Consumer, assignment: IMemberAssignment): Promise<void> {
    const pending: TopicPartition[] = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions
        .map((partition) => ({ topic, partition }))
        .filter(({ topic: name, partition }) => {
          const key = partitionKey(name, partition);

          return this.snapshot.has(key) && !this.settled.has(key);
        }),
    );
    if (pending.length === 0) {
      this.resolveFirstAssignment();

      return;
    }

    consumer.pause(byTopic(pending));
    await this.commitSnapshotOffsets(consumer, pending);
    consumer.resume(byTopic(pending));
    this.resolveFirstAssignment();
  }

  private async commitSnapshotOffsets(consumer: Consumer, pending: TopicPartition[]): Promise<void> {
    const topics = [...new Set(pending.map(({ topic }) => topic))];
    const committed = await this.admin.committedOffsets(this.groupId, topics);
    const uncommitted = pending
      .filter(({ topic, partition }) => !committed.has(partitionKey(topic, partition)))
      .map(({ topic, partition }) => ({
        topic,
        partition,
        offset: String(this.snapshot.get(partitionKey(topic, partition))),
      }));

    if (uncommitted.length > 0) {
      await consumer.commitOffsets(uncommitted);
      // The seek wins over an offset kafkajs may still be resolving for the partition.
      uncommitted.forEach((entry) => consumer.seek(entry));
      this.logger.info({ partitions: uncommitted }, 'event log start offsets committed');
    }
    pending.forEach(({ topic, partition }) => this.settled.add(partitionKey(topic, partition)));
  }
}

function byTopic(partitions: TopicPartition[]): TopicPartitions[] {
  const grouped = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    grouped.set(topic, [...(grouped.get(topic) ?? []), partition]);
  }

  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}
