import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TopicKind, decodeObservation, topicPattern } from '@stadtdaten/contracts';
import { type ConsumedRecord, EventLog, type Subscription } from '@stadtdaten/event-log';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { ObservationBroadcastService, type PendingObservation } from './observation-broadcast.service';
import { StaMqttEdgeService } from './sta-mqtt-edge.service';

/** Consumer group of the SensorThings MQTT publisher. */
export const STA_MQTT_GROUP = 'sensorthings-mqtt';

/**
 * Reads every tenant's validated observations topic in its own consumer group and hands the
 * observations to ObservationBroadcastService, which publishes each once it is stored. The
 * group starts at the end of the log, so only observations that arrive after the first start
 * are published. The handler only enqueues, so the group's offsets advance at once. Personal
 * observations have a topic of their own, which this consumer does not read.
 */
@Injectable()
export class ObservationBroadcastConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription?: Subscription;
  private readonly log: Logger;

  constructor(
    private readonly eventLog: EventLog,
    private readonly edge: StaMqttEdgeService,
    private readonly broadcast: ObservationBroadcastService,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'sensorthings-mqtt' });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.edge.start()) {
      return;
    }
    this.subscription = await this.eventLog.subscribe({
      groupId: STA_MQTT_GROUP,
      topics: topicPattern(TopicKind.OBSERVATIONS),
      fromBeginning: false,
      maxBatchSize: 1000,
      handler: async (records) => this.handleBatch(records),
    });
    this.log.info({ group: STA_MQTT_GROUP }, 'consuming observation topics for mqtt');
  }

  handleBatch(records: ConsumedRecord[]): void {
    // Without subscribers the embedded broker would discard every message, so the store is not read at all.
    if (!this.edge.hasSubscribers()) {
      return;
    }
    this.broadcast.enqueue(records.map(toPending));
  }

  /** Stops consuming before any module closes the event log and the stores (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}

function toPending(record: ConsumedRecord): PendingObservation {
  const observation = decodeObservation(record.value);

  return {
    id: observation.id,
    tenant: observation.tenant,
    datastreamId: observation.datastreamId,
    phenomenonTimeMs: observation.phenomenonTimeMs,
    receivedAtMs: observation.receivedAtMs,
    appendedAtMs: record.timestampMs,
  };
}
