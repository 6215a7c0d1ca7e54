import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, type StoredObservation } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { type DatastreamDto, RegistryService } from '@stadtdaten/registry';
import { ObservationMessageService } from './observation-message.service';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaMqttEdgeService } from './sta-mqtt-edge.service';
import { StaMqttMetrics } from './sta-mqtt-metrics';

/** An observation taken from the event log that waits to be published once it is stored. */
export interface PendingObservation {
  id: string;
  tenant: string;
  datastreamId: string;
  phenomenonTimeMs: number;
  receivedAtMs: number;
  /** Time the record was appended to the event log, UTC epoch ms. */
  appendedAtMs: number;
}

/** Queued observations that one pass reads from the store and publishes. */
const PASS_SIZE = 2000;
/** Published observation versions remembered, so that a redelivered record is not sent twice. */
const REMEMBERED_VERSIONS = 20_000;
/** Payload bytes handed to the broker at once: a quarter of the embedded broker's SOCKET_HIGH_WATER_MARK_BYTES. */
const PUBLISH_CHUNK_BYTES = 16 * 1024;

interface QueuedObservation extends PendingObservation {
  /** Time after which the observation is dropped as not_stored, UTC epoch ms. */
  storeDeadlineMs: number;
}

interface Message {
  datastream: DatastreamDto;
  payload: string;
}

/**
 * Publishes every new observation over MQTT after it is stored, as SensorThings JSON on
 * `v1.1/tenants/<tenant>/Datastreams('<id>')/Observations`. The event-log consumer only
 * enqueues, so the validator and the storage writer never wait for MQTT. The queue takes at
 * most `mqttQueueLimit` observations, including those waiting for the store. Further ones
 * are dropped and counted in `stadtdaten_sta_mqtt_dropped_total{reason="queue_full"}`.
 *
 * Each pass reads the oldest queued observations from the store and publishes, in queue
 * order, those that the store returns with the same id and a received time at least as new.
 * The message is rendered from that stored row. The others wait for the next pass, until
 * `mqttStoreWaitMs` after they were queued.
 */
@Injectable()
export class ObservationBroadcastService implements OnApplicationShutdown {
  private queue: QueuedObservation[] = [];
  private draining?: Promise<void>;
  private stopping = false;
  /** Failed passes in a row; the first is logged, and the next success logs the count. */
  private failures = 0;
  private readonly publishedVersions = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly settings: SensorThingsSettings,
    private readonly edge: StaMqttEdgeService,
    private readonly messages: ObservationMessageService,
    private readonly registry: RegistryService,
    private readonly reader: ObservationStoreReader,
    private readonly metrics: StaMqttMetrics,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'sensorthings-mqtt' });
  }

  /** Queues observations and returns at once; the queue is worked off in the background. */
  enqueue(observations: PendingObservation[]): void {
    if (this.stopping || observations.length === 0) {
      return;
    }
    const nowMs = this.clock.now();
    const fresh = observations.filter(
      (observation) => observation.appendedAtMs >= nowMs - this.settings.mqttMaxAgeMs,
    );
    const room = Math.max(0, this.settings.mqttQueueLimit - this.queue.length);
    const accepted = fresh.slice(0, room);
    for (const observation of accepted) {
      this.queue.push({ ...observation, storeDeadlineMs: nowMs + this.settings.mqttStoreWaitMs });
    }
    this.metrics.drop('stale', observations.length - fresh.length);
    this.metrics.drop('queue_full', fresh.length - accepted.length);
    this.metrics.queueLength.set(this.queue.length);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves when the queue is empty and no pass is running; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) {
      await this.draining;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopping) {
      let finished = 0;
      try {
        finished = await this.publishPass();
        if (this.failures > 0) {
          this.log.info({ failures: this.failures }, 'sensorthings mqtt publisher recovered');
          this.failures = 0;
        }
      } catch (error) {
        if (this.failures === 0) {
          this.log.warn({ err: error, queued: this.queue.length }, 'sensorthings mqtt pass failed, retrying');
        }
        this.failures += 1;
      }
      this.metrics.queueLength.set(this.queue.length);
      if (finished === 0 && this.queue.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.settings.mqttStorePollMs));
      }
    }
  }

  /** Publishes what the store has of the oldest queued observations; returns how many left the queue. */
  private async publishPass(): Promise<number> {
    const pass = this.queue.slice(0, PASS_SIZE);
    const datastreams = await this.publishableDatastreams(pass);
    const stored = await this.readStored(pass, datastreams);
    const nowMs = this.clock.now();

    const finished = new Set<QueuedObservation>();
    const messages: Message[] = [];
    for (const observation of pass) {
      const datastream = datastreams.get(datastreamKey(observation));
      const row = stored.get(observation.id);
      if (datastream === undefined) {
        finished.add(observation);
      } else if (row !== undefined) {
        finished.add(observation);
        if (this.isNewVersion(row)) {
          messages.push({
            datastream,
            payload: await this.messages.render(datastream.tenant, datastream.id, row),
          });
        }
      } else if (nowMs >= observation.storeDeadlineMs) {
        finished.add(observation);
        this.metrics.drop('not_stored');
      }
    }
    this.queue = this.queue.filter((observation) => !finished.has(observation));
    await this.publishInChunks(messages);

    return finished.size;
  }

  /**
   * Publishes in order, in chunks of about PUBLISH_CHUNK_BYTES. The embedded broker skips a
   * message to a subscriber that still has a socket buffer's worth of messages pending (see
   * AedesBroker). Chunks of a quarter of that buffer let a subscriber that keeps reading
   * receive every message, while the broker still gets many messages at once.
   */
  private async publishInChunks(messages: Message[]): Promise<void> {
    let chunk: Promise<void>[] = [];
    let chunkBytes = 0;
    for (const message of messages) {
      chunk.push(this.publish(message));
      chunkBytes += message.payload.length;
      if (chunkBytes >= PUBLISH_CHUNK_BYTES) {
        await Promise.all(chunk);
        chunk = [];
        chunkBytes = 0;
      }
    }
    await Promise.all(chunk);
  }

  private async publish(message: Message): Promise<void> {
    try {
      await this.edge.publishObservation(message.datastream, message.payload);
    } catch (error) {
      this.metrics.drop('broker_unavailable');
      this.log.debug(
        { err: error, tenant: message.datastream.tenant, datastreamId: message.datastream.id },
        'sensorthings mqtt message not published',
      );
    }
  }

  /**
   * Loads the datastreams of the pass by tenant and id, without retired and personal ones, and
   * without internal ones where the broker cannot check subscribers.
   */
  private async publishableDatastreams(pass: QueuedObservation[]): Promise<Map<string, DatastreamDto>> {
    const datastreams = new Map<string, DatastreamDto>();
    const seen = new Set<string>();
    for (const observation of pass) {
      const key = datastreamKey(observation);
      if (!seen.has(key)) {
        seen.add(key);
        const datastream = await this.registry.getDatastream(observation.tenant, observation.datastreamId);
        if (datastream !== undefined && this.isPublishable(datastream)) {
          datastreams.set(key, datastream);
        }
      }
    }

    return datastreams;
  }

  private isPublishable(datastream: DatastreamDto): boolean {
    if (datastream.retired) {
      return false;
    }

    return (
      datastream.classification === 'public' ||
      (datastream.classification === 'internal' && this.edge.publishesInternal)
    );
  }

  /** Reads the time range of the pass's observations per datastream; returns the rows that are their stored versions, by id. */
  private async readStored(
    pass: QueuedObservation[],
    datastreams: Map<string, DatastreamDto>,
  ): Promise<Map<string, StoredObservation>> {
    const byDatastream = new Map<string, Map<string, QueuedObservation>>();
    for (const observation of pass) {
      const key = datastreamKey(observation);
      if (datastreams.has(key)) {
        byDatastream.set(key, (byDatastream.get(key) ?? new Map()).set(observation.id, observation));
      }
    }

    const stored = new Map<string, StoredObservation>();
    for (const [key, waiting] of byDatastream) {
      const times = [...waiting.values()].map((observation) => observation.phenomenonTimeMs);
      // NOTE: a backfill can put more observations into the range than one read returns. Waiting
      // observations beyond that limit are then dropped as not_stored after the wait.
      const rows = await this.reader.query(
        datastreams.get(key)!,
        Math.min(...times),
        Math.max(...times) + 1,
        this.settings.maxScannedObservations,
        'asc',
      );
      for (const row of rows) {
        const observation = waiting.get(row.id);
        if (observation !== undefined && row.receivedAtMs >= observation.receivedAtMs) {
          stored.set(row.id, row);
        }
      }
    }

    return stored;
  }

  /** Tests whether this version of the observation was not published yet, and remembers it. */
  private isNewVersion(row: StoredObservation): boolean {
    const version = `${row.id}@${row.receivedAtMs}`;
    if (this.publishedVersions.has(version)) {
      return false;
    }
    this.rememberVersion(version);

    return true;
  }

  private rememberVersion(version: string): void {
    this.publishedVersions.add(version);
    if (this.publishedVersions.size > REMEMBERED_VERSIONS) {
      // A Set iterates in insertion order, so the first entry is the oldest.
      const oldest = this.publishedVersions.values().next().value as string;
      this.publishedVersions.delete(oldest);
    }
  }
}

function datastreamKey(observation: PendingObservation): string {
  return `${observation.tenant}\u0000${observation.datastreamId}`;
}
