import { type AddressInfo, type Server, createServer } from 'node:net';
import type { TokenVerifier } from '@stadtdaten/auth';
import type { Principal } from '@stadtdaten/contracts';
import type { Logger } from '@stadtdaten/observability';
import Aedes, {
  type AedesPublishPacket,
  type AuthenticateError,
  type Client,
  type PublishPacket,
  type Subscription,
} from 'aedes';
import { parseIngestTopic } from './ingest-topics';
import { watchPacketSize } from './packet-size.guard';
import { type InboundHandler, MqttIngress } from './mqtt-ingress.port';
import type { TopicAccessPolicy } from './topic-access';

export interface AedesBrokerOptions {
  host: string;
  port: number;
  verifier: TokenVerifier;
  logger: Logger;
  /** Largest MQTT packet a client may send; a larger one closes its connection before the body is read. Default 1 MiB. */
  maxPacketBytes?: number;
}

const DEFAULT_MAX_PACKET_BYTES = 1024 * 1024;

/**
 * Buffer size per client connection above which a write waits for 'drain': 64 KiB instead of
 * Node's 16 KiB, so that bursts of messages under a TopicAccessPolicy fit (see hasRoomFor).
 */
export const SOCKET_HIGH_WATER_MARK_BYTES = 64 * 1024;

/** MQTT CONNACK return code 4: bad user name or password. */
const BAD_CREDENTIALS = 4;

const PRINCIPAL_KEY = Symbol('stadtdaten.principal');

type AuthenticatedClient = Client & { [PRINCIPAL_KEY]?: Principal };

/**
 * The embedded MQTT broker (Aedes, MQTT 3.1.1) in the platform's process. Clients log in
 * with a token of the built-in issuer as password; the token's tenant becomes the client's
 * tenant. A PUBLISH on an ingest topic is acknowledged only after the handler resolves.
 *
 * Once a TopicAccessPolicy is registered, clients may also connect without user name and
 * password. Such anonymous clients cannot publish, and they may subscribe only to topics
 * that a policy governs and allows them.
 */
export class AedesBroker extends MqttIngress {
  private readonly broker: Aedes;
  private server?: Server;
  private handler?: InboundHandler;
  private readonly policies: TopicAccessPolicy[] = [];
  /** Granted topic filters per client id, to tell whether a topic tree has subscribers. */
  private readonly subscriptions = new Map<string, Set<string>>();

  constructor(private readonly options: AedesBrokerOptions) {
    super();
    this.broker = new Aedes({
      authenticate: (client, username, password, done) => this.authenticate(client, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => this.authorizeSubscribe(client, subscription, done),
      authorizeForward: (client, packet) => this.authorizeForward(client, packet),
    });
    this.trackSubscriptions();
  }

  /** Port the broker listens on; differs from the configured one when that was 0. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    const maxPacketBytes = this.options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
    const server = createServer({ highWaterMark: SOCKET_HIGH_WATER_MARK_BYTES }, (socket) => {
      this.broker.handle(socket);
      watchPacketSize(socket, maxPacketBytes, (statedBytes) => {
        this.options.logger.warn(
          { remoteAddress: socket.remoteAddress, statedBytes, maxPacketBytes },
          'mqtt packet larger than maxPacketBytes; connection closed before its body was read, so the client must send smaller messages',
        );
        socket.destroy();
      });
    });
    this.server = server;

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.options.logger.info({ host: this.options.host, port: this.port }, 'mqtt broker listening');
  }

  async publish(topic: string, payload: Buffer | string, options: { qos?: 0 | 1; retain?: boolean } = {}) {
    const packet = {
      cmd: 'publish' as const,
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: options.qos ?? 0,
      retain: options.retain ?? false,
      dup: false,
    };

    await new Promise<void>((resolve, reject) =>
      this.broker.publish(packet, (error) => (error ? reject(error) : resolve())),
    );
  }

  async isHealthy(): Promise<boolean> {
    return this.server?.listening === true && !this.broker.closed;
  }

  override useTopicAccess(policy: TopicAccessPolicy): boolean {
    this.policies.push(policy);

    return true;
  }

  override hasSubscribers(prefix: string): boolean {
    for (const filters of this.subscriptions.values()) {
      for (const filter of filters) {
        if (filter.startsWith(prefix)) {
          return true;
        }
      }
    }

    return false;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }

  private authenticate(
    client: Client,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const token = password?.toString('utf8') ?? '';
    if (token === '' && this.policies.length > 0) {
      done(null, true);

      return;
    }
    this.options.verifier.verify(token).then(
      (principal) => {
        (client as AuthenticatedClient)[PRINCIPAL_KEY] = principal;
        done(null, true);
      },
      (error: Error) => {
        this.options.logger.info({ clientId: client.id, reason: error.message }, 'mqtt login rejected');
        const failure = Object.assign(new Error(error.message), { returnCode: BAD_CREDENTIALS }) as AuthenticateError;
        done(failure, false);
      },
    );
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) {
    const tenant = client ? (client as AuthenticatedClient)[PRINCIPAL_KEY]?.tenant : undefined;
    const target = parseIngestTopic(packet.topic);
    if (client === null || tenant === undefined || target === undefined || this.handler === undefined) {
      done(new Error(`publish to "${packet.topic}" is not allowed`));

      return;
    }
    if (target.tenant !== undefined && target.tenant !== tenant) {
      this.options.logger.info({ clientId: client.id, tenant, topic: packet.topic }, 'mqtt publish to other tenant');
      done(new Error(`client of tenant "${tenant}" cannot publish to "${packet.topic}"`));

      return;
    }

    const message = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      qos: packet.qos,
      clientId: client.id,
      tenant,
    };
    this.handler(message).then(
      () => done(null),
      (error: Error) => {
        this.options.logger.warn({ err: error, clientId: client.id, topic: packet.topic }, 'mqtt publish not stored');
        done(error);
      },
    );
  }

  private authorizeSubscribe(
    client: Client | null,
    subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void,
  ): void {
    const principal = client ? (client as AuthenticatedClient)[PRINCIPAL_KEY] : undefined;
    const policy = this.policyOf(subscription.topic);
    if (policy !== undefined) {
      policy.authorizeSubscribe(principal, subscription.topic).then(
        (allowed) => done(null, allowed ? subscription : null),
        (error: Error) => {
          this.options.logger.warn(
            { err: error, clientId: client?.id, topic: subscription.topic },
            'mqtt subscription check failed, subscription rejected',
          );
          done(null, null);
        },
      );

      return;
    }
    const tenant = principal?.tenant;
    const allowed = tenant !== undefined && subscription.topic.startsWith(`stadtdaten/${tenant}/`);
    done(null, allowed ? subscription : null);
  }

  private authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const policy = this.policyOf(packet.topic);
    if (policy === undefined) {
      return packet;
    }
    const principal = (client as AuthenticatedClient)[PRINCIPAL_KEY];
    if (!policy.authorizeDelivery(principal, packet.topic)) {
      return null;
    }
    if (!hasRoomFor(client.conn, packet)) {
      policy.deliverySkipped(packet.topic);

      return null;
    }

    return packet;
  }

  private policyOf(topic: string): TopicAccessPolicy | undefined {
    return this.policies.find((policy) => topic.startsWith(policy.prefix));
  }

  /**
   * Keeps the granted filters of each client id. A client with a persistent session keeps its
   * filters after a disconnect, because Aedes restores them when the session resumes.
   */
  private trackSubscriptions(): void {
    this.broker.on('subscribe', (subscriptions, client) => {
      const filters = this.subscriptions.get(client.id) ?? new Set<string>();
      for (const subscription of subscriptions) {
        // Aedes reports rejected filters too, with the SUBACK failure code 128 as their QoS.
        if ((subscription.qos as number) !== 128) {
          filters.add(subscription.topic);
        }
      }
      this.subscriptions.set(client.id, filters);
    });
    this.broker.on('unsubscribe', (topics, client) => {
      for (const topic of topics) {
        this.subscriptions.get(client.id)?.delete(topic);
      }
    });
    this.broker.on('clientDisconnect', (client) => {
      if (client.clean) {
        this.subscriptions.delete(client.id);
      }
    });
  }
}

/** Bytes of deliveries that passed `hasRoomFor` but are not yet in the connection's buffer, per connection. */
const reservedBytes = new WeakMap<object, number>();

/**
 * Tests whether writing the packet keeps the connection's buffer below its high-water mark,
 * and if so reserves the packet's bytes. Aedes waits for the connection's 'drain' event after
 * a write that passes the mark, and until then the message occupies one of the broker's
 * in-flight slots (Aedes 0.51 option `concurrency`, 100 by default). A client that stops
 * reading would thus stall every publish, ingest included. Skipping such deliveries keeps the
 * broker moving.
 * NOTE: a message larger than the high-water mark (SOCKET_HIGH_WATER_MARK_BYTES) is written
 * only to an empty buffer, and to a client that stopped reading it still occupies one slot until
 * the client reads or disconnects.
 */
function hasRoomFor(connection: Client['conn'] | undefined, packet: AedesPublishPacket): boolean {
  if (connection === undefined) {
    return true;
  }
  // Fixed header, topic length and topic of a QoS 0 PUBLISH, plus the payload.
  const packetBytes = 5 + 2 + Buffer.byteLength(packet.topic) + packet.payload.length;
  const pendingBytes = connection.writableLength + (reservedBytes.get(connection) ?? 0);
  const fits = !connection.writableNeedDrain && pendingBytes + packetBytes < connection.writableHighWaterMark;
  if (pendingBytes > 0 && !fits) {
    return false;
  }

  reservedBytes.set(connection, (reservedBytes.get(connection) ?? 0) + packetBytes);
  // Aedes writes the packet in a setImmediate callback queued right after this check. A
  // setImmediate queued now runs before that write and queues a second one, which runs in the
  // next turn of the event loop, when the bytes are in the connection's buffer.
  setImmediate(() =>
    setImmediate(() => reservedBytes.set(connection, (reservedBytes.get(connection) ?? packetBytes) - packetBytes)),
  );

  return true;
}
