import { Injectable } from '@nestjs/common';
import { type Observation, type Rejection, decodeObservation, decodeRejection } from '@stadtdaten/contracts';
import { type ConsumedRecord, EventLog, type Subscription } from '@stadtdaten/event-log';
import { type Logger, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { AnalyticsSettings } from '../analytics-settings';
import { JobTracker } from '../jobs/job-tracker.service';
import { QualityService } from '../quality/quality.service';
import { RollupService } from '../rollups/rollup.service';

export const ANALYTICS_GROUP = 'analytics';

/** Every tenant's validated observations and rejections; group 2 is the topic kind. */
const CONSUMED_TOPICS = /^stadtdaten\.([a-z][a-z0-9-]{1,62})\.(observations|rejected)$/;

/**
 * Consumes every tenant's observations and rejected topics in the consumer group "analytics"
 * and hands each batch to the rollups and the quality checks. The batch's offsets are committed
 * after both accepted it. Derived and personal observations are not consumed, so no job reads
 * its own output and no job receives personal data.
 */
@Injectable()
export class AnalyticsConsumer {
  private subscription?: Subscription;
  private lagTimer?: NodeJS.Timeout;
  /** Highest offset per topic partition that the quality checks have seen. */
  private readonly qualityOffsets = new Map<string, bigint>();
  private readonly log: Logger;

  constructor(
    private readonly eventLog: EventLog,
    private readonly rollups: RollupService,
    private readonly quality: QualityService,
    private readonly tracker: JobTracker,
    private readonly metrics: Metrics,
    private readonly settings: AnalyticsSettings,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'analytics-consumer' });
  }

  async start(): Promise<void> {
    this.subscription = await this.eventLog.subscribe({
      groupId: ANALYTICS_GROUP,
      topics: CONSUMED_TOPICS,
      maxBatchSize: 5000,
      handler: (records) => this.handleBatch(records),
    });
    this.lagTimer = setInterval(() => void this.refreshLag(), this.settings.timings.lagRefreshMs);
    this.lagTimer.unref();
    this.log.info({ group: ANALYTICS_GROUP }, 'consuming observation and rejected topics');
  }

  async stop(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.subscription?.stop();
    this.subscription = undefined;
    this.log.info({ group: ANALYTICS_GROUP }, 'stopped consuming');
  }

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const stopTimer = this.metrics.batchSeconds.startTimer({ service: 'analytics' });
    const kind = CONSUMED_TOPICS.exec(records[0].topic)?.[2];
    const fresh = this.unseenByQuality(records);
    if (kind === 'rejected') {
      this.quality.observeRejections(decodeAll(fresh, decodeRejection, this.log) as Rejection[]);
    } else {
      this.quality.observeObservations(decodeAll(fresh, decodeObservation, this.log) as Observation[]);
      await this.rollups.observe(decodeAll(records, decodeObservation, this.log) as Observation[]);
    }
    this.metrics.messagesIn.inc({ service: 'analytics', source: kind ?? 'unknown' }, records.length);
    this.metrics.batchSize.observe({ service: 'analytics' }, records.length);
    stopTimer();
  }

  /**
   * Drops records that the quality checks saw before, because the event log delivers a batch
   * again when the rollups refuse it. The rollups need no such filter: they key readings by id.
   */
  private unseenByQuality(records: ConsumedRecord[]): ConsumedRecord[] {
    const key = `${records[0].topic}\u0000${records[0].partition}`;
    const seen = this.qualityOffsets.get(key);
    const fresh = seen === undefined ? records : records.filter((record) => BigInt(record.offset) > seen);
    this.qualityOffsets.set(key, BigInt(records[records.length - 1].offset));

    return fresh;
  }

  async lag(): Promise<number> {
    return (await this.subscription?.lag()) ?? 0;
  }

  private async refreshLag(): Promise<void> {
    try {
      const lag = await this.lag();
      this.metrics.consumerLag.set({ group: ANALYTICS_GROUP }, lag);
      this.tracker.setConsumerLag(lag);
    } catch (error) {
      this.log.debug({ err: error }, 'consumer lag not read');
    }
  }
}

/** Decodes each record; a record that is no valid event is logged and skipped, because a retry cannot repair it. */
function decodeAll<T>(records: ConsumedRecord[], decode: (bytes: Uint8Array) => T, log: Logger): T[] {
  const decoded: T[] = [];
  for (const record of records) {
    try {
      decoded.push(decode(record.value));
    } catch (error) {
      log.warn({ err: error, topic: record.topic, partition: record.partition, offset: record.offset }, 'record skipped: not a valid event');
    }
  }

  return decoded;
}
