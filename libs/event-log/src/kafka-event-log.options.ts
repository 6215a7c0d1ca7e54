import { AppError, ErrorCode } from '@stadtdaten/contracts';
import type { KafkaConfig } from 'kafkajs';
import { pino, type Logger } from 'pino';

export interface KafkaEventLogOptions {
  /** Bootstrap brokers as host:port. */
  brokers: string[];
  /** Client id the brokers see in their logs and quotas. */
  clientId: string;
  /** Partitions of topics this log creates, unless ensureTopics() names others. Default 3. */
  partitions?: number;
  /** Replicas of topics this log creates, unless ensureTopics() names others. Default 1. */
  replicationFactor?: number;
  /** TLS settings, passed to kafkajs unchanged. */
  ssl?: KafkaConfig['ssl'];
  /** SASL settings, passed to kafkajs unchanged. They are never logged. */
  sasl?: KafkaConfig['sasl'];
  /** Time after which the group coordinator drops a member without heartbeats. Default 30,000 ms. */
  sessionTimeoutMs?: number;
  /** Time the coordinator waits for every member to rejoin during a rebalance. Default 60,000 ms. */
  rebalanceTimeoutMs?: number;
  /** Interval of consumer heartbeats, also while a handler runs. Default 3,000 ms. */
  heartbeatIntervalMs?: number;
  /**
   * Maximum time a fetch waits on the broker for new records. It also bounds how long stop() and
   * the resume after a handler failure wait for a running fetch. Default 500 ms.
   */
  maxWaitTimeMs?: number;
  /** Interval in which subscriptions look for new topics that match them. Default 5,000 ms. */
  topicRefreshIntervalMs?: number;
  /** Retries of a failed send before append() rejects. Default 5, about 9 s of kafkajs' default backoff (300 ms doubling). */
  sendRetries?: number;
  /** Time close() waits for running handlers before it disconnects anyway. Default 30,000 ms. */
  closeTimeoutMs?: number;
  /** Time isHealthy() waits for the cluster metadata. Default 2,000 ms. */
  healthTimeoutMs?: number;
  /** Logger for lifecycle lines, retries and errors, and for the lines of kafkajs. Default: a new pino logger named event-log. */
  logger?: Logger;
}

export type KafkaEventLogSettings = Required<Omit<KafkaEventLogOptions, 'ssl' | 'sasl'>> &
  Pick<KafkaEventLogOptions, 'ssl' | 'sasl'>;

/** Applies the defaults and rejects values that are not usable, naming the option. */
export function resolveKafkaEventLogOptions(options: KafkaEventLogOptions): KafkaEventLogSettings {
  const { brokers, clientId } = options;
  if (!Array.isArray(brokers) || brokers.length === 0 || brokers.some((broker) => !isHostPort(broker))) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `invalid Kafka brokers ${JSON.stringify(brokers)}; pass a non-empty list of host:port entries`,
    );
  }
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `invalid Kafka clientId ${JSON.stringify(clientId)}; pass a non-empty string`,
    );
  }

  const settings: KafkaEventLogSettings = {
    brokers: [...brokers],
    clientId,
    partitions: positiveInteger('partitions', options.partitions, 3),
    replicationFactor: positiveInteger('replicationFactor', options.replicationFactor, 1),
    ssl: options.ssl,
    // kafkajs stores the authenticator it builds from the credentials on the sasl object, so
    // each log gets its own copy: the caller's object stays reusable, e.g. with another password.
    sasl: options.sasl === undefined ? undefined : { ...options.sasl },
    sessionTimeoutMs: positiveInteger('sessionTimeoutMs', options.sessionTimeoutMs, 30_000),
    rebalanceTimeoutMs: positiveInteger('rebalanceTimeoutMs', options.rebalanceTimeoutMs, 60_000),
    heartbeatIntervalMs: positiveInteger('heartbeatIntervalMs', options.heartbeatIntervalMs, 3_000),
    maxWaitTimeMs: positiveInteger('maxWaitTimeMs', options.maxWaitTimeMs, 500),
    topicRefreshIntervalMs: positiveInteger('topicRefreshIntervalMs', options.topicRefreshIntervalMs, 5_000),
    sendRetries: positiveInteger('sendRetries', options.sendRetries, 5),
    closeTimeoutMs: positiveInteger('closeTimeoutMs', options.closeTimeoutMs, 30_000),
    healthTimeoutMs: positiveInteger('healthTimeoutMs', options.healthTimeoutMs, 2_000),
    logger: options.logger ?? pino({ name: 'event-log' }),
  };
  if (settings.heartbeatIntervalMs >= settings.sessionTimeoutMs) {
    throw new AppError(
      ErrorCode.INVALID_CONFIG,
      `invalid event log option heartbeatIntervalMs=${settings.heartbeatIntervalMs}; use less than sessionTimeoutMs=${settings.sessionTimeoutMs}, about a third of it`,
    );
  }

  return settings;
}

function isHostPort(broker: unknown): boolean {
  return typeof broker === 'string' && /^[^\s:]+:\d{1,5}$/.test(broker);
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value > 0) return value;

  throw new AppError(
    ErrorCode.INVALID_CONFIG,
    `invalid event log option ${name}=${value}; use a positive integer`,
  );
}
