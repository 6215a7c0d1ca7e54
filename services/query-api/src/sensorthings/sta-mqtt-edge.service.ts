import { Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { MqttIngress } from '@stadtdaten/mqtt';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import type { DatastreamDto } from '@stadtdaten/registry';
import { SensorThingsSettings } from './sensorthings-settings';
import { StaMqttAccessService } from './sta-mqtt-access.service';
import { StaMqttClient } from './sta-mqtt.client';
import { StaMqttMetrics } from './sta-mqtt-metrics';
import { STA_MQTT_PREFIX, defaultTenantObservationsTopic, observationsTopic } from './sta-mqtt-topics';

/** Way SensorThings messages reach the broker: the process's MQTT edge, an own client, or none. */
export type StaMqttRoute = 'edge' | 'client' | 'none';

/**
 * The broker connection of the SensorThings MQTT publisher. In the embedded platform it is
 * the process's MQTT edge (the Aedes broker), which checks every subscriber with
 * StaMqttAccessService. A query-api running alone connects as a client to the external
 * broker named in the settings. Without either, nothing is published.
 */
@Injectable()
export class StaMqttEdgeService implements OnApplicationShutdown {
  private client?: StaMqttClient;
  private checksSubscribers = false;
  private readonly log: Logger;

  constructor(
    private readonly settings: SensorThingsSettings,
    private readonly access: StaMqttAccessService,
    private readonly metrics: StaMqttMetrics,
    logger: ProcessLogger,
    @Optional() private readonly edge?: MqttIngress,
  ) {
    this.log = logger.child({ component: 'sensorthings-mqtt' });
  }

  get route(): StaMqttRoute {
    if (this.settings.mqttClient !== undefined) {
      return 'client';
    }

    return this.edge === undefined ? 'none' : 'edge';
  }

  /**
   * True when the broker checks each subscriber against the registry, so that internal
   * datastreams may be published. An external broker's ACL cannot tell who may read which
   * datastream, so there only public ones are published.
   */
  get publishesInternal(): boolean {
    return this.checksSubscribers;
  }

  /** Opens the route. Returns false when there is none, so nothing will be published. */
  start(): boolean {
    const route = this.route;
    if (route === 'client') {
      this.client = new StaMqttClient(this.settings.mqttClient!, this.log);
      this.client.start();
    } else if (route === 'edge') {
      this.checksSubscribers = this.edge!.useTopicAccess(this.access);
    }
    this.log.info({ route, publishesInternal: this.checksSubscribers }, 'sensorthings mqtt route chosen');

    return route !== 'none';
  }

  /** Tests whether anyone may be listening. Returns true where the broker cannot tell. */
  hasSubscribers(): boolean {
    return this.route !== 'edge' || this.edge!.hasSubscribers(STA_MQTT_PREFIX) !== false;
  }

  /**
   * Publishes the message of a new observation on the datastream's topic, and for the default
   * tenant also on the topic without tenant segment. Each message that the broker did not
   * take is counted as dropped.
   */
  async publishObservation(datastream: DatastreamDto, payload: string): Promise<void> {
    const topics = [observationsTopic(datastream.tenant, datastream.id)];
    if (this.settings.mqttDefaultTenant === datastream.tenant) {
      topics.push(defaultTenantObservationsTopic(datastream.id));
    }
    for (const topic of topics) {
      this.access.recordTopic(topic, datastream);
      if (await this.publish(topic, payload)) {
        this.metrics.published.inc();
      } else {
        this.metrics.drop('broker_unavailable');
      }
    }
  }

  /** Publishes at QoS 0 without retain. Returns false when the broker did not take the message. */
  private async publish(topic: string, payload: string): Promise<boolean> {
    if (this.client !== undefined) {
      return this.client.publish(topic, payload);
    }
    if (this.edge === undefined) {
      return false;
    }
    await this.edge.publish(topic, payload, { qos: 0, retain: false });

    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
