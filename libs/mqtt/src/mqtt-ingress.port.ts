import type { TopicAccessPolicy } from './topic-access';

/** A PUBLISH received from an authenticated MQTT client. */
export interface InboundMqttMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  clientId: string;
  /** Tenant of the client's authenticated identity (token or certificate), never from the payload. */
  tenant: string;
  /** Subject of the client certificate, where the client presented one. */
  certificateSubject?: string;
}

/**
 * Handles one inbound message. The broker acknowledges a QoS 1 PUBLISH only after the
 * promise resolves, so a resolved promise must mean the message is durable. A rejected
 * promise leaves the message unacknowledged, and the client sends it again.
 */
export type InboundHandler = (message: InboundMqttMessage) => Promise<void>;

/**
 * The platform's MQTT edge. Production subscribes to an external broker (Mosquitto with
 * client certificates); the embedded adapter runs a broker in the process.
 */
export abstract class MqttIngress {
  /** Starts receiving; `handler` is called for every PUBLISH on an ingest topic. */
  abstract start(handler: InboundHandler): Promise<void>;

  /** Publishes a message to subscribers (status topics, live observation topics). */
  abstract publish(topic: string, payload: Buffer | string, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;

  abstract isHealthy(): Promise<boolean>;

  /**
   * Lets `policy` decide subscriptions to, and deliveries of, topics below its prefix. Returns
   * false where the edge is a client of an external broker, because there the broker's ACL
   * decides, and it cannot see who may read which datastream.
   */
  useTopicAccess(_policy: TopicAccessPolicy): boolean {
    return false;
  }

  /**
   * Tests whether any client subscribes to a topic filter below `prefix`. Returns undefined
   * where the edge cannot tell, because the subscribers are clients of an external broker.
   */
  hasSubscribers(_prefix: string): boolean | undefined {
    return undefined;
  }

  /** Stops accepting connections, lets running handlers finish, and closes. */
  abstract close(): Promise<void>;
}
