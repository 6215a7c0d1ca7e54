import { readFileSync } from 'node:fs';
import type { Logger } from '@stadtdaten/observability';
import type { MqttIngress } from '@stadtdaten/mqtt';
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttClientOptions } from '../analytics-settings';

/** Route of quality status messages: the process's MQTT edge, an own client, or none. */
export type MqttRoute = 'edge' | 'client' | 'none';

/** Every how many dropped messages a warning is logged again. */
const DROP_LOG_EVERY = 100;

/**
 * Publishes quality status messages. Inside the all-in-one platform it uses the MQTT edge of
 * the process (the embedded broker, or the gateway's connection to Mosquitto), so no second
 * connection is needed. Running alone it connects as an MQTT client to
 * STADTDATEN_ANALYTICS_MQTT_URL; while that connection is down, messages are dropped and the
 * last message of each topic is sent again after the reconnect. Messages are retained, so a
 * subscriber gets each device's current status at once.
 */
export class MqttStatusPublisher {
  private client?: MqttClient;
  private readonly lastByTopic = new Map<string, string>();
  private dropped = 0;

  constructor(
    private readonly edge: MqttIngress | undefined,
    private readonly clientOptions: MqttClientOptions | undefined,
    private readonly qos: 0 | 1,
    private readonly retain: boolean,
    private readonly log: Logger,
  ) {}

  get route(): MqttRoute {
    if (this.edge !== undefined) {
      return 'edge';
    }

    return this.clientOptions === undefined ? 'none' : 'client';
  }

  /** Opens the client connection where the route is `client`; it connects in the background and reconnects by itself. */
  start(): void {
    if (this.route !== 'client') {
      this.log.info({ route: this.route }, 'quality status messages route chosen');

      return;
    }
    const options = this.clientOptions!;
    const read = (file?: string) => (file === undefined ? undefined : readFileSync(file));
    this.client = mqtt.connect(options.url, {
      clientId: options.clientId,
      ca: read(options.caFile),
      cert: read(options.certFile),
      key: read(options.keyFile),
      reconnectPeriod: 5000,
      connectTimeout: 10_000,
      protocolVersion: 4,
    });
    this.client.on('connect', () => {
      this.log.info({ url: options.url, clientId: options.clientId }, 'mqtt client connected');
      void this.republish();
    });
    this.client.on('error', (error) => this.log.warn({ err: error, url: options.url }, 'mqtt client error'));
  }

  async publish(topic: string, payload: string): Promise<void> {
    this.lastByTopic.set(topic, payload);
    if (this.edge !== undefined) {
      await this.edge.publish(topic, payload, { qos: this.qos, retain: this.retain });

      return;
    }
    if (this.client?.connected !== true) {
      this.countDrop(topic);

      return;
    }
    await this.client.publishAsync(topic, payload, { qos: this.qos, retain: this.retain });
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
    this.client = undefined;
  }

  private async republish(): Promise<void> {
    for (const [topic, payload] of this.lastByTopic) {
      try {
        await this.client?.publishAsync(topic, payload, { qos: this.qos, retain: this.retain });
      } catch (error) {
        this.log.warn({ err: error, topic }, 'mqtt status message not sent again');

        return;
      }
    }
  }

  private countDrop(topic: string): void {
    this.dropped += 1;
    if (this.dropped % DROP_LOG_EVERY === 1) {
      this.log.warn({ topic, dropped: this.dropped }, 'mqtt client not connected, status message held for the reconnect');
    }
  }
}
