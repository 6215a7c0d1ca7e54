import { Injectable } from '@nestjs/common';
import type { Classification, Principal } from '@stadtdaten/contracts';
import type { TopicAccessPolicy } from '@stadtdaten/mqtt';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { VisibilityService } from '../things/visibility.service';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaMqttMetrics } from './sta-mqtt-metrics';
import { STA_MQTT_PREFIX, hasWildcard, parseObservationsTopic } from './sta-mqtt-topics';

/** Owner and classification of the datastream whose observations a topic carries. */
interface TopicReaders {
  tenant: string;
  classification: Classification;
}

/**
 * Decides which MQTT clients of the embedded broker receive SensorThings observations, by
 * the rules of the REST API: anonymous clients and clients of other tenants receive public
 * datastreams, a tenant's own clients receive its internal ones too. Personal datastreams
 * are never published.
 *
 * A subscription to one datastream's topic is granted when the client may read that
 * datastream. A filter with wildcards is granted as long as it lies below `v1.1/`, because
 * each message is checked again at delivery against the datastream it was published for.
 */
@Injectable()
export class StaMqttAccessService implements TopicAccessPolicy {
  readonly prefix = STA_MQTT_PREFIX;
  /** Readers of each topic, recorded by the publisher before it publishes there. */
  private readonly readersByTopic = new Map<string, TopicReaders>();
  private readonly log: Logger;

  constructor(
    private readonly registry: RegistryService,
    private readonly visibility: VisibilityService,
    private readonly settings: SensorThingsSettings,
    private readonly metrics: StaMqttMetrics,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'sensorthings-mqtt' });
  }

  /** Records who may read `topic`; the publisher calls it before each publish there. */
  recordTopic(topic: string, readers: TopicReaders): void {
    this.readersByTopic.set(topic, { tenant: readers.tenant, classification: readers.classification });
  }

  async authorizeSubscribe(principal: Principal | undefined, topicFilter: string): Promise<boolean> {
    if (hasWildcard(topicFilter)) {
      return true;
    }
    const target = parseObservationsTopic(topicFilter, this.settings.mqttDefaultTenant);
    const datastream =
      target === undefined
        ? undefined
        : await this.registry.getDatastream(target.tenant, target.datastreamId);
    const allowed =
      datastream !== undefined &&
      !datastream.retired &&
      datastream.classification !== 'personal' &&
      this.visibility.canRead(principal, datastream);
    if (!allowed) {
      // A missing and a hidden datastream get the same result, as with the REST API's 404, so existence does not leak.
      this.log.info({ topic: topicFilter, tenant: principal?.tenant }, 'mqtt subscription rejected');
    }

    return allowed;
  }

  authorizeDelivery(principal: Principal | undefined, topic: string): boolean {
    const readers = this.readersByTopic.get(topic);
    if (readers === undefined || readers.classification === 'personal') {
      return false;
    }

    return readers.classification === 'public' || this.visibility.isMember(principal, readers.tenant);
  }

  deliverySkipped(): void {
    this.metrics.drop('subscriber_backlog');
  }
}
