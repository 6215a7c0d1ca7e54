import {
  type ExternalBrokerOptions,
  type ExternalBrokerStats,
  ExternalBrokerIngress,
} from './external-broker.adapter';
import { type InboundHandler, MqttIngress } from './mqtt-ingress.port';

/** Topics the gateway reads by default: every tenant's ingest topics. */
const DEFAULT_TOPICS = ['stadtdaten/+/+/up', 'stadtdaten/+/+/up/+'];

export interface SharedSubscriptionOptions extends ExternalBrokerOptions {
  /** Connections that share the subscriptions; the broker spreads messages over them. */
  connections: number;
  /** Name of the MQTT 5 shared-subscription group. */
  group?: string;
}

/**
 * Reads the ingest topics over several connections to the external broker, joined in an
 * MQTT 5 shared subscription (`$share/<group>/<topic>`). Each connection handles one
 * message at a time and acknowledges it only after the handler resolved, so throughput
 * grows with the number of connections while every message stays unacknowledged until it
 * is durable. Messages of one device may be handled by different connections, so their
 * order is not kept. Observation ids derive from the phenomenon time, so order matters only
 * where two readings carry the same datastream and time.
 * NOTE: for such a pair the stored value is whichever reading was handled last, which need
 * not be the one the device sent last.
 */
export class SharedSubscriptionIngress extends MqttIngress {
  private readonly members: ExternalBrokerIngress[];

  constructor(options: SharedSubscriptionOptions) {
    super();
    const group = options.group ?? 'stadtdaten-gateway';
    const topics = (options.topics ?? DEFAULT_TOPICS).map((topic) => `$share/${group}/${topic}`);
    this.members = Array.from(
      { length: Math.max(1, options.connections) },
      (_, index) =>
        new ExternalBrokerIngress({
          ...options,
          clientId: `${options.clientId}-${index}`,
          topics,
          logger: options.logger.child({ connection: index }),
        }),
    );
  }

  /** Counters of each connection, in connection order. */
  get stats(): ExternalBrokerStats[] {
    return this.members.map((member) => member.stats);
  }

  async start(handler: InboundHandler): Promise<void> {
    await Promise.all(this.members.map((member) => member.start(handler)));
  }

  publish(
    topic: string,
    payload: Buffer | string,
    options?: { qos?: 0 | 1; retain?: boolean },
  ): Promise<void> {
    return this.members[0].publish(topic, payload, options);
  }

  async isHealthy(): Promise<boolean> {
    const healthy = await Promise.all(this.members.map((member) => member.isHealthy()));

    return healthy.every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((member) => member.close()));
  }
}
