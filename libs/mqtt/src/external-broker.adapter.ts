import { AppError, ErrorCode, isTenantId } from '@stadtdaten/contracts';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { logConnectionEvents, subscribeAtQos1, waitForFirstConnack } from './broker-connection';
import { parseIngestTopic } from './ingest-topics';
import { type InboundHandler, type InboundMqttMessage, MqttIngress } from './mqtt-ingress.port';

export interface ExternalBrokerOptions {
  /** Broker URL, e.g. `mqtts://mqtt.example:8883`. */
  url: string;
  /** PEM of the CA that signed the broker's certificate. */
  ca?: string | Buffer;
  /** PEM of the gateway's client certificate. */
  cert?: string | Buffer;
  /** PEM of the client certificate's private key. */
  key?: string | Buffer;
  /** Fixed client id; the broker keeps the persistent session under it. */
  clientId: string;
  /** MQTT username, for brokers that do not take it from the client certificate. */
  username?: string;
  /** Topic filters subscribed at QoS 1; defaults to the stadtdaten ingest topics. */
  topics?: string[];
  logger: Logger;
  /** How long the broker keeps the session while the gateway is offline; defaults to 7 days. */
  sessionExpirySeconds?: number;
  /** Time `start()` waits for the first CONNACK; defaults to 30 000. */
  connectTimeoutMs?: number;
  /**
   * Wait after a failed handler before the connection is closed for redelivery; doubles up to 30 000,
   * and mqtt.js reconnects 1 000 later. Defaults to 1 000.
   */
  retryDelayMs?: number;
  /** Maximum time `close()` waits for running handlers; defaults to 30 000. */
  closeTimeoutMs?: number;
}

/** Message counters since construction. */
export interface ExternalBrokerStats {
  received: number;
  /** Handled and acknowledged. */
  acknowledged: number;
  /** Acknowledged without calling the handler, because the topic names no valid tenant. */
  dropped: number;
  /** Handler rejected: a QoS 1 message is left unacknowledged for redelivery, a QoS 0 message is lost. */
  failed: number;
}

export const DEFAULT_INGEST_TOPICS = ['stadtdaten/+/+/up', 'stadtdaten/+/+/up/+'];

const DEFAULT_SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 30_000;
const RECONNECT_PERIOD_MS = 1_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
/** Reason code 0 (success) in the PUBACK the client sends. */
const PUBACK_SUCCESS = 0;

type AckCallback = (error: Error | number, code?: number) => void;

/**
 * The ingest gateway as a client of an external broker (Mosquitto), over MQTT 5 with a persistent
 * session (clean start off, fixed client id, session expiry). A QoS 1 PUBLISH is acknowledged only
 * after the handler resolved, that is after the message is durable. A message whose handler has not
 * finished when the gateway stops or crashes therefore stays at the broker, which delivers it again
 * to the next connection with the same client id.
 *
 * - A rejected handler leaves the message unacknowledged. MQTT resends unacknowledged messages only
 *   when a session resumes. So the adapter closes the connection after `retryDelayMs` (doubling),
 *   mqtt.js reconnects, and the broker then sends the message again, ahead of newer ones.
 * - The tenant is read from the topic (`stadtdaten/<tenant>/...`): the broker's ACL lets a device
 *   publish only below the tenant of its certificate, so the topic segment carries that identity.
 *   A message whose topic names no valid tenant is acknowledged, counted as dropped and logged at
 *   info, without calling the handler. A redelivery could never succeed, and until the next
 *   reconnect an unacknowledged message would keep one of the broker's in-flight slots.
 *
 * NOTE: mqtt.js handles the packets of one connection one after another and waits for the
 * acknowledgement decision, so this adapter handles one message at a time and its throughput is
 * bounded by the handler's latency. While the gateway is slow or offline the broker queues messages
 * for the session, and Mosquitto drops QoS 1 messages beyond its `max_queued_messages` limit: with
 * the defaults of Mosquitto 2.0.11, 1 020 of a burst of 3 000 messages reached the gateway. Size
 * that limit for the longest outage to be bridged.
 */
export class ExternalBrokerIngress extends MqttIngress {
  private client?: MqttClient;
  private handler?: InboundHandler;
  private closing = false;
  /** True once the first CONNACK arrived; later CONNACKs are reconnections. */
  private hasConnected = false;
  /** Increments with every closed connection; an acknowledgement is sent only on the connection that delivered. */
  private connection = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private retryDelayMs: number;
  private retryTimer?: NodeJS.Timeout;
  private readonly counters: ExternalBrokerStats = { received: 0, acknowledged: 0, dropped: 0, failed: 0 };

  constructor(private readonly options: ExternalBrokerOptions) {
    super();
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  get stats(): ExternalBrokerStats {
    return { ...this.counters };
  }

  async start(handler: InboundHandler): Promise<void> {
    if (this.client !== undefined) {
      throw new AppError(
        ErrorCode.CONFLICT,
        'mqtt ingress is already started; call close() before starting again',
      );
    }
    this.handler = handler;
    this.closing = false;
    this.hasConnected = false;
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId,
      username: this.options.username,
      ca: this.options.ca,
      cert: this.options.cert,
      key: this.options.key,
      protocolVersion: 5,
      clean: false,
      properties: {
        sessionExpiryInterval: this.options.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS,
      },
      reconnectPeriod: RECONNECT_PERIOD_MS,
      connectTimeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // mqtt.js (5.16, lib/handlers/publish.js) calls this for every QoS 1 and 2 PUBLISH and sends the
      // PUBACK only when `ack` is called with a success code. It honours the option only with MQTT 5,
      // and handles the next packet only after the call, so messages are handled one at a time.
      customHandleAcks: (_topic: string, _payload: Buffer, packet: IPublishPacket, ack: AckCallback) =>
        this.onAcknowledgedPublish(packet, ack),
    });
    this.client = client;
    client.on('message', (_topic, _payload, packet) => this.onUnacknowledgedPublish(packet));
    client.on('close', () => {
      this.connection += 1;
    });
    logConnectionEvents(client, this.options, () => this.hasConnected && !this.closing);

    try {
      const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const connack = await waitForFirstConnack(client, this.options, timeoutMs);
      this.hasConnected = true;
      this.options.logger.info(
        { url: this.options.url, clientId: this.options.clientId, sessionPresent: connack.sessionPresent },
        'mqtt connected',
      );

      const topics = this.options.topics ?? DEFAULT_INGEST_TOPICS;
      await subscribeAtQos1(client, topics, this.options);
      this.options.logger.info({ topics }, 'mqtt subscribed');
    } catch (error) {
      client.end(true);
      this.client = undefined;
      throw error;
    }
  }

  async publish(
    topic: string,
    payload: Buffer | string,
    options: { qos?: 0 | 1; retain?: boolean } = {},
  ): Promise<void> {
    const client = this.requireClient();
    try {
      await client.publishAsync(topic, payload, { qos: options.qos ?? 0, retain: options.retain ?? false });
    } catch (error) {
      // A numeric code is the broker's MQTT 5 reason code; 0x80 and above mean it refused the publish.
      const reasonCode = (error as { code?: unknown }).code;
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `mqtt publish to "${topic}" failed: ${(error as Error).message}; check that the broker's ACL lets client "${this.options.clientId}" write this topic`,
        { cause: error, retriable: !(typeof reasonCode === 'number' && reasonCode >= 0x80) },
      );
    }
  }

  async isHealthy(): Promise<boolean> {
    return this.client?.connected === true && !this.closing;
  }

  /**
   * Stops handling new messages (they stay at the broker for the next session), waits for running
   * handlers and their acknowledgements, then disconnects. Handlers still running after
   * `closeTimeoutMs` are abandoned: their messages stay unacknowledged and are delivered again.
   */
  async close(): Promise<void> {
    const client = this.client;
    if (client === undefined || this.closing) {
      return;
    }
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.options.logger.info({ inFlight: this.inFlight.size }, 'mqtt stopping');

    await this.drainHandlers();
    // A clean DISCONNECT waits until the broker acknowledged every pending publish(), but mqtt.js
    // reads no more packets while a message is left unacknowledged, so the wait could last forever.
    // The socket is closed directly then, and the broker keeps the session either way.
    const force = !client.connected || Object.keys(client.outgoing).length > 0;
    await client.endAsync(force);
    this.client = undefined;
    this.options.logger.info({ ...this.counters }, 'mqtt stopped');
  }

  private async drainHandlers(): Promise<void> {
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const drained = Promise.allSettled([...this.inFlight]).then(() => false);

    if (await Promise.race([drained, timedOut])) {
      this.options.logger.warn(
        { inFlight: this.inFlight.size, timeoutMs },
        'mqtt handlers still running at close; their messages stay unacknowledged for redelivery',
      );
    }
    clearTimeout(timer);
  }

  private requireClient(): MqttClient {
    if (this.client === undefined || this.closing) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'mqtt ingress is not started; call start() first', {
        retriable: true,
      });
    }

    return this.client;
  }

  private onAcknowledgedPublish(packet: IPublishPacket, ack: AckCallback): void {
    if (this.closing) {
      // Not acknowledged: the broker keeps the message for the next session of this client id.
      return;
    }
    const message = this.toInboundMessage(packet);
    if (message === undefined) {
      ack(PUBACK_SUCCESS);

      return;
    }

    const connection = this.connection;
    this.track(
      this.handle(message).then(
        () => {
          this.retryDelayMs = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
          if (connection !== this.connection) {
            // The broker delivers the message again on the new connection, where it is acknowledged.
            return;
          }
          this.counters.acknowledged += 1;
          ack(PUBACK_SUCCESS);
        },
        (error: unknown) => this.onHandlerFailure(message, error, connection),
      ),
    );
  }

  /** QoS 0 messages: the broker expects no acknowledgement and never delivers them again. */
  private onUnacknowledgedPublish(packet: IPublishPacket): void {
    if (packet.qos !== 0 || this.closing) {
      return;
    }
    const message = this.toInboundMessage(packet);
    if (message === undefined) {
      return;
    }
    this.track(
      this.handle(message).then(
        () => undefined,
        (error: unknown) => {
          this.counters.failed += 1;
          this.options.logger.warn(
            { err: error, topic: message.topic, tenant: message.tenant },
            'mqtt qos 0 message lost',
          );
        },
      ),
    );
  }

  /** Returns undefined, after counting and logging the drop, for topics that name no valid tenant. */
  private toInboundMessage(packet: IPublishPacket): InboundMqttMessage | undefined {
    this.counters.received += 1;
    const tenant = parseIngestTopic(packet.topic)?.tenant;
    if (tenant === undefined || !isTenantId(tenant)) {
      this.counters.dropped += 1;
      // Logged for the first drop and then every 100th, so a misconfigured publisher cannot flood the log.
      if (this.counters.dropped === 1 || this.counters.dropped % 100 === 0) {
        this.options.logger.info(
          { topic: packet.topic, dropped: this.counters.dropped },
          'mqtt message dropped: topic names no tenant',
        );
      }

      return undefined;
    }

    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // NOTE: the broker forwards neither the publisher's client id nor its certificate subject, so both
    // stay empty. The device's identity is enforced by the broker's topic ACL instead.
    return { topic: packet.topic, payload, qos: packet.qos, clientId: '', tenant };
  }

  private handle(message: InboundMqttMessage): Promise<void> {
    const handler = this.handler;
    if (handler === undefined) {
      return Promise.reject(new Error('mqtt ingress has no handler'));
    }

    return Promise.resolve().then(() => handler(message));
  }

  /**
   * Leaves the message unacknowledged and reconnects after a growing delay. MQTT sends unacknowledged
   * messages again only when the session resumes on a new connection, so the reconnect is what
   * brings the message back. Until then mqtt.js handles no further packets of this connection.
   */
  private onHandlerFailure(message: InboundMqttMessage, error: unknown, connection: number): void {
    this.counters.failed += 1;
    const delayMs = this.retryDelayMs;
    this.retryDelayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
    this.options.logger.warn(
      { err: error, topic: message.topic, tenant: message.tenant, retryInMs: delayMs },
      'mqtt message not stored; reconnecting for redelivery',
    );
    // A connection that closed meanwhile has already brought the message back on the new one.
    if (this.closing || this.retryTimer !== undefined || connection !== this.connection) {
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closing) {
        // Closing the socket makes mqtt.js reconnect with the same session, as after a network failure.
        this.client?.stream.destroy();
      }
    }, delayMs);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
