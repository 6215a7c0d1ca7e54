import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TopicKind } from '@stadtdaten/contracts';
import { type ConsumedRecord, EventLog, type Subscription } from '@stadtdaten/event-log';
import { type Logger, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { StorageService } from './storage.service';

export const STORAGE_WRITER_GROUP = 'storage-writer';

/** How often the consumer lag gauge is refreshed, in milliseconds. */
const LAG_REFRESH_MS = 5000;

/** Every tenant's observations, personal, derived, rejected and signatures topics; group 2 is the topic kind. */
const STORED_TOPICS =
  /^stadtdaten\.([a-z][a-z0-9-]{1,62})\.(observations|observations\.personal|observations\.derived|rejected|signatures)$/;

/**
 * Consumes the observation topics (validated, personal, derived) and the dead-letter
 * topics in the consumer group "storage-writer"; offsets are committed after the stores
 * accepted the batch.
 */
@Injectable()
export class StorageConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];
  private lagTimer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly eventLog: EventLog,
    private readonly storage: StorageService,
    private readonly metrics: Metrics,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'storage-consumer' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions.push(
      await this.eventLog.subscribe({
        groupId: STORAGE_WRITER_GROUP,
        topics: STORED_TOPICS,
        maxBatchSize: 5000,
        handler: (records) => this.handleBatch(records),
      }),
    );
    this.lagTimer = setInterval(() => void this.refreshLag(), LAG_REFRESH_MS);
    this.lagTimer.unref();
    this.log.info({ group: STORAGE_WRITER_GROUP }, 'consuming observation and dead-letter topics');
  }

  /** Stores one batch; the event log hands over batches of a single topic partition. */
  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    const stopTimer = this.metrics.batchSeconds.startTimer({ service: 'storage-writer' });
    const kind = STORED_TOPICS.exec(records[0].topic)?.[2] ?? '';

    if (kind === TopicKind.REJECTED) {
      await this.storage.storeRejections(records);
    } else if (kind === TopicKind.SIGNATURES) {
      await this.storage.storeSignatures(records);
    } else {
      await this.storage.storeObservations(records, kind === TopicKind.PERSONAL);
    }
    this.metrics.messagesOut.inc({ service: 'storage-writer', kind }, records.length);
    this.metrics.batchSize.observe({ service: 'storage-writer' }, records.length);
    stopTimer();
  }

  /** Stops consuming before any module closes the event log and the stores (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
    this.log.info({ group: STORAGE_WRITER_GROUP }, 'stopped consuming');
  }

  async lag(): Promise<number> {
    const lags = await Promise.all(this.subscriptions.map((subscription) => subscription.lag()));

    return lags.reduce((sum, lag) => sum + lag, 0);
  }

  private async refreshLag(): Promise<void> {
    try {
      this.metrics.consumerLag.set({ group: STORAGE_WRITER_GROUP }, await this.lag());
    } catch (error) {
      this.log.debug({ err: error }, 'consumer lag not read');
    }
  }
}
