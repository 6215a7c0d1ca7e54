import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
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

/** How often the consumer lag gauge is refreshed, in milliseconds. */
export const LAG_REFRESH_MS = 5000;

/**
 * Consumes every tenant's raw topic in the consumer group "validator" and writes each
 * batch's observations and rejections before the batch's offsets are committed.
 */
@Injectable()
export class ValidationConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private lagTimer?: NodeJS.Timeout;
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

  async onApplicationShutdown(): Promise<void> {
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

    return this.validation.validate(raw);
  }
}

function push(map: Map<string, LogRecord[]>, topic: string, record: LogRecord): void {
  const list = map.get(topic);
  if (list) {
    list.push(record);
  } else {
    map.set(topic, [record]);
  }
}
