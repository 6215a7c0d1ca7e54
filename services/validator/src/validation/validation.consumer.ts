import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type Observation,
  type Rejection,
  TopicKind,
  decodeRawMessage,
  encodeObservation,
  encodeRejection,
  tenantOfTopic,
  topicName,
  topicPattern,
} from '@stadtdaten/contracts';
import { type ConsumedRecord, EventLog, type LogRecord, type Subscription } from '@stadtdaten/event-log';
import { type Logger, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { ObservationSigner } from './observation.signer';
import { PersonalDataProtector } from './personal-data.protector';
import { ValidationService } from './validation.service';

export const VALIDATOR_GROUP = 'validator';

/** Attempts at a message whose validation fails with an error that is no outage, before it goes to the dead letter. */
export const MAX_VALIDATION_ATTEMPTS = 3;

/** Node.js, SQLite and PostgreSQL error codes of an unreachable or overloaded store, which are retried without limit. */
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_BUSY', '57P01', '57P03', '53300']);

/** How often the consumer lag gauge is refreshed, in milliseconds. */
export const LAG_REFRESH_MS = 5000;

/**
 * Consumes every tenant's raw topic in the consumer group "validator" and writes each
 * batch's observations and rejections before the batch's offsets are committed.
 */
@Injectable()
export class ValidationConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription?: Subscription;
  private lagTimer?: NodeJS.Timeout;
  /** Failed attempts per record (topic, partition, offset) whose validation threw an error that is no outage. */
  private readonly failedAttempts = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    private readonly eventLog: EventLog,
    private readonly validation: ValidationService,
    private readonly signer: ObservationSigner,
    private readonly personalData: PersonalDataProtector,
    private readonly metrics: Metrics,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'validation-consumer' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.eventLog.subscribe({
      groupId: VALIDATOR_GROUP,
      topics: topicPattern(TopicKind.RAW),
      maxBatchSize: 5000,
      handler: (records) => this.handleBatch(records),
    });
    this.lagTimer = setInterval(() => void this.refreshLag(), LAG_REFRESH_MS);
    this.lagTimer.unref();
    this.log.info({ group: VALIDATOR_GROUP }, 'consuming raw topics');
  }

  /** Stops consuming before any module closes the event log and the stores (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.subscription?.stop();
    this.log.info({ group: VALIDATOR_GROUP }, 'stopped consuming raw topics');
  }

  /** Subscription lag, for metrics and the jobs view. */
  async lag(): Promise<number> {
    return (await this.subscription?.lag()) ?? 0;
  }

  private async refreshLag(): Promise<void> {
    try {
      this.metrics.consumerLag.set({ group: VALIDATOR_GROUP }, await this.lag());
    } catch (error) {
      this.log.debug({ err: error }, 'consumer lag not read');
    }
  }

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const stopTimer = this.metrics.batchSeconds.startTimer({ service: 'validator' });
    const outgoing = new Map<string, LogRecord[]>();
    const validated = new Map<string, Observation[]>();

    for (const record of records) {
      const tenant = tenantOfTopic(record.topic) ?? 'unknown';
      const { observations, rejections } = await this.validateRecord(record, tenant);
      const ofTenant = validated.get(tenant) ?? [];
      ofTenant.push(...observations);
      validated.set(tenant, ofTenant);
      for (const rejection of rejections) {
        this.metrics.rejected.inc({ reason: rejection.reasonCode });
        push(outgoing, topicName(tenant, TopicKind.REJECTED), {
          key: rejection.raw?.deviceId ?? '',
          value: encodeRejection(rejection),
        });
      }
    }

    for (const [tenant, observations] of validated) {
      for (const observation of observations) {
        await this.personalData.protect(observation);
      }
      const signatures = await this.signer.sign(tenant, observations);
      for (const record of signatures.records) {
        push(outgoing, signatures.topic, record);
      }
      for (const observation of observations) {
        const kind = observation.classification === 'personal' ? TopicKind.PERSONAL : TopicKind.OBSERVATIONS;
        push(outgoing, topicName(tenant, kind), {
          key: observation.datastreamId,
          value: encodeObservation(observation),
        });
      }
    }

    await this.eventLog.ensureTopics([...outgoing.keys()]);
    await Promise.all([...outgoing].map(([topic, batch]) => this.eventLog.append(topic, batch)));
    this.metrics.messagesIn.inc({ service: 'validator', source: 'raw' }, records.length);
    this.metrics.batchSize.observe({ service: 'validator' }, records.length);
    stopTimer();
  }

  private async validateRecord(
    record: ConsumedRecord,
    tenant: string,
  ): Promise<{ observations: Observation[]; rejections: Rejection[] }> {
    let raw;
    try {
      raw = decodeRawMessage(record.value);
    } catch {
      return { observations: [], rejections: [this.validation.unreadable(tenant, record.topic, record.value, record.offset)] };
    }
    const position = `${record.topic}:${record.partition}:${record.offset}`;
    try {
      const result = await this.validation.validate(raw);
      this.failedAttempts.delete(position);

      return result;
    } catch (error) {
      if (isOutage(error)) {
        throw error;
      }
      const attempts = (this.failedAttempts.get(position) ?? 0) + 1;
      this.log.error(
        { err: error, topic: record.topic, partition: record.partition, offset: record.offset, deviceId: raw.deviceId, attempts },
        attempts < MAX_VALIDATION_ATTEMPTS ? 'validation failed; retrying the batch' : 'validation failed repeatedly; message goes to the dead letter',
      );
      if (attempts < MAX_VALIDATION_ATTEMPTS) {
        this.failedAttempts.set(position, attempts);
        throw error;
      }
      this.failedAttempts.delete(position);

      return { observations: [], rejections: [this.validation.failed(raw, error)] };
    }
  }
}

/** Returns whether the error comes from an outage of a store, which is retried until it ends, rather than from the message. */
function isOutage(error: unknown): boolean {
  if (error instanceof AppError) {
    return error.code === ErrorCode.UNAVAILABLE || error.retriable;
  }
  const code = (error as { code?: unknown } | undefined)?.code;

  return typeof code === 'string' && OUTAGE_CODES.has(code);
}

function push(map: Map<string, LogRecord[]>, topic: string, record: LogRecord): void {
  const list = map.get(topic);
  if (list) {
    list.push(record);
  } else {
    map.set(topic, [record]);
  }
}
