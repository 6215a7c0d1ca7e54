import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { type Admin, Kafka, Partitioners, type Producer } from 'kafkajs';

import {
  EventLog,
  type LogRecord,
  type SubscribeOptions,
  type Subscription,
  type TopicOptions,
} from './event-log.port';
import { validateRecords, validateSubscribeOptions, validateTopicName } from './event-log.validation';
import { kafkaLogLevel, pinoLogCreator } from './kafka-client.logger';
import {
  type KafkaEventLogOptions,
  type KafkaEventLogSettings,
  resolveKafkaEventLogOptions,
} from './kafka-event-log.options';
import { KafkaSubscription } from './kafka-subscription.consumer';
import { KafkaTopicAdmin, errorMessage } from './kafka-topic.admin';
import { KafkaWriteBatcher } from './kafka-write.batcher';

interface OpenClients {
  admin: Admin;
  producer: Producer;
  topics: KafkaTopicAdmin;
  writer: KafkaWriteBatcher;
}

/**
 * Event log on Apache Kafka through kafkajs 2.2.4, tested against Apache Kafka 4.4.0 (KRaft, one broker).
 *
 * - append() sends with an idempotent producer and acks=all and resolves after the broker
 *   acknowledged. Records go to a partition by the murmur2 hash of their key (kafkajs'
 *   DefaultPartitioner, the one the Java client uses), so records of one key stay in one
 *   partition and in append order while the partition count stays the same.
 * - A topic that append() meets for the first time is created with the configured partitions
 *   and replication factor, so the broker's `auto.create.topics.enable` is not needed.
 * - Each subscription is one kafkajs consumer in the group `groupId`. It commits after each
 *   handler call, and a rejected call is delivered again after a backoff.
 */
export class KafkaEventLog extends EventLog {
  private readonly settings: KafkaEventLogSettings;
  private readonly kafka: Kafka;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private open: OpenClients | undefined;
  private connecting: Promise<void> | undefined;
  /** Set once close() started. Appends remain possible until the running handlers finished. */
  private closing: Promise<void> | undefined;

  constructor(options: KafkaEventLogOptions) {
    super();
    this.settings = resolveKafkaEventLogOptions(options);
    const { brokers, clientId, ssl, sasl, logger } = this.settings;
    this.kafka = new Kafka({
      brokers,
      clientId,
      ssl,
      sasl,
      logLevel: kafkaLogLevel(logger),
      logCreator: pinoLogCreator(logger),
    });
  }

  override connect(): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(closedError());
    if (this.open !== undefined) return Promise.resolve();

    this.connecting ??= this.connectClients().finally(() => {
      this.connecting = undefined;
    });

    return this.connecting;
  }

  override async ensureTopics(topics: string[], options?: TopicOptions): Promise<void> {
    const { topics: topicAdmin } = this.requireOpen();
    topics.forEach((topic) => validateTopicName(topic));

    await topicAdmin.ensureTopics(topics, options);
  }

  override async append(topic: string, records: LogRecord[]): Promise<void> {
    const { topics, writer } = this.requireOpen();
    validateTopicName(topic);
    validateRecords(topic, records);
    if (records.length === 0) return;

    await topics.ensureTopics([topic]);
    await writer.append(topic, records);
  }

  override async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const { topics } = this.requireOpen();
    if (this.closing !== undefined) throw closedError();
    validateSubscribeOptions(options);

    const { logger } = this.settings;
    const subscription = new KafkaSubscription(this.kafka, topics, options, this.settings);
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      await subscription.stop();
      throw error;
    }
    logger.info({ groupId: options.groupId, topics: String(options.topics) }, 'event log subscribed');

    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
        logger.info({ groupId: options.groupId }, 'event log subscription stopped');
      },
      lag: () => subscription.lag(),
    };
  }

  /** True while the cluster returns its metadata within `healthTimeoutMs`. */
  override async isHealthy(): Promise<boolean> {
    if (this.open === undefined || this.closing !== undefined) return false;

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.settings.healthTimeoutMs);
    });
    const described = this.open.admin.describeCluster().then(
      ({ brokers }) => brokers.length > 0,
      () => false,
    );
    const healthy = await Promise.race([described, timedOut]);
    clearTimeout(timer);

    return healthy;
  }

  /** Stops the subscriptions, commits what their handlers finished, sends queued appends and disconnects. */
  override close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    if (this.open === undefined && this.connecting === undefined) return Promise.resolve();

    this.closing = this.closeClients();

    return this.closing;
  }

  private async connectClients(): Promise<void> {
    const { brokers, clientId, sendRetries, partitions, replicationFactor, ssl, sasl, logger } =
      this.settings;
    const admin = this.kafka.admin();
    const producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      // kafkajs serializes the produce requests of an idempotent producer per broker anyway.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: sendRetries },
    });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw connectError(this.settings, error);
    }

    const topics = new KafkaTopicAdmin(admin, { partitions, replicationFactor }, logger);
    this.open = { admin, producer, topics, writer: new KafkaWriteBatcher(producer) };
    logger.info(
      { brokers, clientId, tls: Boolean(ssl), sasl: sasl?.mechanism, username: saslUsername(sasl) },
      'event log connected',
    );
  }

  private async closeClients(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    const open = this.open;
    if (open === undefined) return;

    await this.stopSubscriptions();
    await open.writer.close();
    await Promise.allSettled([open.producer.disconnect(), open.admin.disconnect()]);
    this.open = undefined;
    this.settings.logger.info({ brokers: this.settings.brokers }, 'event log closed');
  }

  private async stopSubscriptions(): Promise<void> {
    const subscriptions = [...this.subscriptions];
    const stopped = Promise.all(subscriptions.map((subscription) => subscription.stop()));
    if ((await raceTimeout(stopped, this.settings.closeTimeoutMs)) === 'timeout') {
      subscriptions.forEach((subscription) => subscription.abandon());
      this.settings.logger.warn(
        { closeTimeoutMs: this.settings.closeTimeoutMs },
        'event log closed while handlers were still running; their batches will be delivered again',
      );
      // Abandoned handler calls end at once, so the consumers leave their groups within this bound.
      if ((await raceTimeout(stopped, this.settings.closeTimeoutMs)) === 'timeout') {
        this.settings.logger.warn(
          'event log consumers did not stop; the group drops them after the session timeout',
        );
      }
    }
    this.subscriptions.clear();
  }

  /** Returns the clients, which stay connected for appends while close() waits for running handlers. */
  private requireOpen(): OpenClients {
    if (this.open === undefined) {
      if (this.closing !== undefined) throw closedError();
      throw new AppError(ErrorCode.UNAVAILABLE, 'event log is not connected; call connect() first');
    }

    return this.open;
  }
}

async function raceTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([promise.then((): 'done' => 'done'), timedOut]);
  clearTimeout(timer);

  return outcome;
}

function saslUsername(sasl: KafkaEventLogSettings['sasl']): string | undefined {
  return sasl !== undefined && 'username' in sasl ? sasl.username : undefined;
}

/**
 * Maps a failed connect to an AppError: rejected SASL credentials or an authorization failure
 * are INVALID_CONFIG (a retry cannot help), anything else is a retriable UNAVAILABLE.
 */
function connectError(settings: KafkaEventLogSettings, error: unknown): AppError {
  const { brokers, sasl } = settings;
  const reason = errorMessage(error);
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'KafkaJSSASLAuthenticationError') {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `Kafka brokers ${brokers.join(', ')} rejected the SASL credentials of user ${JSON.stringify(saslUsername(sasl))}: ${reason}; check the sasl username, password and mechanism`,
      { cause: error },
    );
  }
  if (/authorization failed|not authorized/i.test(reason)) {
    return new AppError(
      ErrorCode.INVALID_CONFIG,
      `Kafka brokers ${brokers.join(', ')} denied the connection of user ${JSON.stringify(saslUsername(sasl))}: ${reason}; grant the user IdempotentWrite on the cluster or Write on a topic, because the event log's idempotent producer needs a producer id`,
      { cause: error },
    );
  }

  return new AppError(
    ErrorCode.UNAVAILABLE,
    `Kafka brokers ${brokers.join(', ')} could not be reached: ${reason}; check that they run, that the brokers option lists them and, with TLS, that the ssl CA signed their certificates`,
    { cause: error, retriable: true },
  );
}

function closedError(): AppError {
  return new AppError(
    ErrorCode.UNAVAILABLE,
    'event log is closed; create a new KafkaEventLog to connect again',
  );
}
