import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@stadtdaten/observability';
import mqtt, { type MqttClient } from 'mqtt';
import type { StaMqttClientSettings } from './sensorthings-settings';

/** Milliseconds between two reconnect attempts. */
const RECONNECT_PERIOD_MS = 5000;
/** Connection errors are logged at the first and then every 60th, because mqtt.js retries every 5 s. */
const ERROR_LOG_INTERVAL = 60;
/** Random bytes appended to the configured client id, as hex. */
const CLIENT_ID_RANDOM_BYTES = 8;

/**
 * Creates the client id `<prefix>-<16 random hex digits>`, new for each connection. Mosquitto
 * closes a connected client when another client connects with the same client id. Anonymous
 * subscribers share the broker with this publisher, so the id must not follow from the configuration.
 */
export function connectionClientId(prefix: string): string {
  return `${prefix}-${randomBytes(CLIENT_ID_RANDOM_BYTES).toString('hex')}`;
}

/**
 * Publish-only MQTT client of an external broker, for a query-api that has no MQTT edge of
 * its own. It connects in the background and reconnects by itself. While it is offline,
 * `publish` returns false at once, so messages are dropped, never queued.
 */
export class StaMqttClient {
  private client?: MqttClient;
  private errors = 0;

  constructor(
    private readonly settings: StaMqttClientSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    const read = (file?: string) => (file === undefined ? undefined : readFileSync(file));
    const client = mqtt.connect(this.settings.url, {
      clientId: connectionClientId(this.settings.clientId),
      ca: read(this.settings.caFile),
      cert: read(this.settings.certFile),
      key: read(this.settings.keyFile),
      protocolVersion: 4,
      reconnectPeriod: RECONNECT_PERIOD_MS,
      connectTimeout: 10_000,
      queueQoSZero: false,
    });
    client.on('connect', () => {
      this.errors = 0;
      this.log.info(
        { url: this.settings.url, clientId: client.options.clientId },
        'mqtt publisher connected',
      );
    });
    // mqtt.js sends options.clientId in each CONNECT, so a reconnect after a takeover uses a fresh id.
    client.on('close', () => {
      client.options.clientId = connectionClientId(this.settings.clientId);
    });
    client.on('offline', () => this.log.warn({ url: this.settings.url }, 'mqtt publisher offline'));
    client.on('error', (error) => {
      this.errors += 1;
      if (this.errors % ERROR_LOG_INTERVAL === 1) {
        this.log.warn(
          { err: error, url: this.settings.url, errors: this.errors },
          'mqtt publisher connection failed',
        );
      }
    });
    this.client = client;
  }

  /** Publishes at QoS 0. Returns false without sending while the client is not connected. */
  async publish(topic: string, payload: string): Promise<boolean> {
    if (this.client?.connected !== true) {
      return false;
    }
    await this.client.publishAsync(topic, payload, { qos: 0, retain: false });

    return true;
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
    this.client = undefined;
  }
}
