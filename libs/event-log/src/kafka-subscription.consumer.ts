import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { Consumer, ConsumerCrashEvent, ConsumerGroupJoinEvent, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

import type { SubscribeOptions, Subscription } from './event-log.port';
import { DEFAULT_MAX_BATCH_SIZE, KafkaBatchDispatcher } from './kafka-batch.dispatcher';
import type { KafkaEventLogSettings } from './kafka-event-log.options';
import { KafkaStartPositions } from './kafka-start.positions';
import { type KafkaTopicAdmin, errorMessage } from './kafka-topic.admin';
import { topicMatcher } from './topic.matcher';

export type ConsumerSettings = Pick<
  KafkaEventLogSettings,
  | 'sessionTimeoutMs'
  | 'rebalanceTimeoutMs'
  | 'heartbeatIntervalMs'
  | 'maxWaitTimeMs'
  | 'topicRefreshIntervalMs'
  | 'logger'
>;

/**
 * One member of a consumer group: a kafkajs consumer on the topics that match the subscription.
 * kafkajs resolves a topic list or pattern once, when the consumer subscribes, so a timer lists
 * the topics every `topicRefreshIntervalMs` and restarts the consumer with the new ones.
 *
 * NOTE: records of a topic created after subscribe() are delivered only after the next refresh
 * and the rejoin of the restarted consumer. That is up to `topicRefreshIntervalMs` plus one
 * rebalance, a few seconds in all, and more when the broker delays the first join of an empty
 * group by `group.initial.rebalance.delay.ms`. Each restart also rebalances the group's other
 * members. New topics start at their first record, so none of their records is skipped.
 */
export class KafkaSubscription implements Subscription {
  private readonly matchesTopic: (topic: string) => boolean;
  private readonly dispatcher: KafkaBatchDispatcher;
  private readonly startPositions: KafkaStartPositions;
  private readonly log: Logger;
  private readonly topics = new Set<string>();
  private consumer: Consumer | undefined;
  /** Settles when the consumer's run() returned, which kafkajs does after the first join. */
  private running: Promise<void> = Promise.resolve();
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Serializes refreshes, restarts and the stop. */
  private lifecycle: Promise<void> = Promise.resolve();
  private refreshPending = false;
  private restartNeeded = false;
  private refreshFailures = 0;
  private stopping: Promise<void> | undefined;
  private signalStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<'stopped'>((resolve) => {
    this.signalStop = () => resolve('stopped');
  });

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: KafkaTopicAdmin,
    private readonly options: SubscribeOptions,
    private readonly settings: ConsumerSettings,
  ) {
    this.matchesTopic = topicMatcher(options.topics);
    this.log = settings.logger.child({ groupId: options.groupId });
    this.dispatcher = new KafkaBatchDispatcher({
      handler: options.handler,
      maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      logger: this.log,
    });
    this.startPositions = new KafkaStartPositions(admin, options.groupId, this.log);
  }

  /**
   * Starts the consumer on the matching topics. With `fromBeginning: false` it resolves only after
   * the consumer joined its group and committed the start offsets of partitions that had none,
   * so records appended after the call are delivered. Otherwise it resolves before the join,
   * because the start (committed offset, else earliest record) does not depend on its time.
   */
  async start(): Promise<void> {
    const topics = await this.matchingTopics();
    topics.forEach((topic) => this.topics.add(topic));
    if (this.options.fromBeginning === false) await this.startPositions.takeSnapshot(topics);

    if (topics.length > 0) await this.startConsumer();
    this.refreshTimer = setInterval(() => this.scheduleRefresh(), this.settings.topicRefreshIntervalMs);
    this.refreshTimer.unref();

    if (this.options.fromBeginning === false && topics.length > 0) await this.waitForStartPositions();
  }

  /** Stops fetching, waits for the running handler call and its commit, and leaves the group. */
  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.signalStop();
      clearInterval(this.refreshTimer);
      this.stopping = this.lifecycle.then(() => this.stopConsumer());
    }

    return this.stopping;
  }

  /** Lets a handler call that outlived close() go without a commit, so another member gets its records. */
  abandon(): void {
    this.dispatcher.abandon();
  }

  async lag(): Promise<number> {
    const topics = await this.matchingTopics();

    return this.admin.lag(this.options.groupId, topics, this.startPositions.snapshot);
  }

  private async matchingTopics(): Promise<string[]> {
    const topics = await this.admin.listTopics();

    return topics.filter((topic) => this.matchesTopic(topic)).sort();
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      rebalanceTimeout: this.settings.rebalanceTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      maxWaitTimeInMs: this.settings.maxWaitTimeMs,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.GROUP_JOIN, (event: ConsumerGroupJoinEvent) =>
      this.onGroupJoin(consumer, event),
    );
    consumer.on(consumer.events.CRASH, (event: ConsumerCrashEvent) => this.onCrash(consumer, event));

    const topics = [...this.topics];
    try {
      await consumer.connect();
      // Partitions without a committed offset start at the earliest record, except those KafkaStartPositions moves.
      await consumer.subscribe({ topics, fromBeginning: true });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `event log consumer of group ${this.options.groupId} could not subscribe to ${topics.join(', ')}: ${errorMessage(error)}; check that the brokers run`,
        { cause: error, retriable: true },
      );
    }

    this.consumer = consumer;
    this.running = consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: this.dispatcher.dispatch,
      })
      .catch((error: unknown) => {
        this.restartNeeded = true;
        this.log.error(
          { err: error },
          'event log consumer failed to start; restarting at the next topic refresh',
        );
      });
    this.log.info({ topics }, 'event log consumer started');
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) return;

    this.consumer = undefined;
    await this.running;
    try {
      // kafkajs waits for the running eachBatch, and so for the handler call and its commit.
      await consumer.disconnect();
    } catch (error) {
      this.log.warn(
        { err: error },
        'event log consumer did not disconnect cleanly; the group drops it after the session timeout',
      );
    }
    this.dispatcher.dispose();
    this.log.info('event log consumer stopped');
  }

  /** Also runs for a consumer that is stopping, so it does not fetch from a start it must not use. */
  private onGroupJoin(consumer: Consumer, { payload }: ConsumerGroupJoinEvent): void {
    const { memberId, memberAssignment } = payload;
    this.log.info(
      {
        memberId,
        assignment: Object.entries(memberAssignment).map(
          ([topic, partitions]) => `${topic}:${partitions.join(',')}`,
        ),
      },
      'event log consumer joined group',
    );
    this.startPositions.onAssignment(consumer, memberAssignment).catch((error: unknown) => {
      if (this.stopping !== undefined) return;

      this.restartNeeded = true;
      this.log.warn(
        { err: error },
        'event log start offsets not committed; restarting the consumer at the next topic refresh',
      );
    });
  }

  private onCrash(consumer: Consumer, { payload }: ConsumerCrashEvent): void {
    // A consumer being replaced or stopped may still report the end of its connection.
    if (consumer !== this.consumer) return;
    if (payload.restart) {
      this.log.warn({ err: payload.error }, 'event log consumer crashed; kafkajs restarts it');

      return;
    }

    this.restartNeeded = true;
    this.log.error(
      { err: payload.error },
      'event log consumer crashed; restarting at the next topic refresh',
    );
  }

  private scheduleRefresh(): void {
    if (this.refreshPending || this.stopping !== undefined) return;

    this.refreshPending = true;
    this.lifecycle = this.lifecycle
      .then(() => this.refresh())
      .catch((error: unknown) => {
        this.refreshFailures += 1;
        if (this.refreshFailures <= 3 || this.refreshFailures % 10 === 0) {
          this.log.warn(
            { err: error, failures: this.refreshFailures },
            'event log topic refresh failed; retrying at the next interval',
          );
        }
      })
      .finally(() => {
        this.refreshPending = false;
      });
  }

  private async refresh(): Promise<void> {
    if (this.stopping !== undefined) return;

    const added = (await this.matchingTopics()).filter((topic) => !this.topics.has(topic));
    this.refreshFailures = 0;
    added.forEach((topic) => this.topics.add(topic));
    if ((added.length === 0 && !this.restartNeeded) || this.topics.size === 0) return;

    if (added.length > 0) {
      this.log.info({ added }, 'event log subscription found new topics; restarting its consumer');
    }
    await this.stopConsumer();
    if (this.stopping !== undefined) return;

    this.restartNeeded = false;
    try {
      await this.startConsumer();
    } catch (error) {
      this.restartNeeded = true;
      throw error;
    }
  }

  private async waitForStartPositions(): Promise<void> {
    const timeoutMs = this.settings.rebalanceTimeoutMs + this.settings.sessionTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([
      this.startPositions.firstAssignmentDone,
      timedOut,
      this.stopRequested,
    ]);
    clearTimeout(timer);
    if (outcome === 'stopped') {
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `event log subscription of group ${this.options.groupId} was stopped before its consumer joined the group; subscribe again on an open event log`,
      );
    }
    if (outcome !== 'timeout') return;

    await this.stop();
    throw new AppError(
      ErrorCode.UNAVAILABLE,
      `event log consumer of group ${this.options.groupId} did not join its group within ${timeoutMs} ms; check the brokers and the group's other members, then subscribe again`,
      { retriable: true },
    );
  }
}
