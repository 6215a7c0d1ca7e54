import { type AddressInfo, type Server, createServer } from 'node:net';
import type { TokenVerifier } from '@stadtdaten/auth';
import type { Logger } from '@stadtdaten/observability';
import Aedes, { type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { parseIngestTopic } from './ingest-topics';
import { type InboundHandler, MqttIngress } from './mqtt-ingress.port';

export interface AedesBrokerOptions {
  host: string;
  port: number;
  verifier: TokenVerifier;
  logger: Logger;
}

/** MQTT CONNACK return code 4: bad user name or password. */
const BAD_CREDENTIALS = 4;

const TENANT_KEY = Symbol('stadtdaten.tenant');

type TenantClient = Client & { [TENANT_KEY]?: string };

/**
 * The embedded MQTT broker (Aedes, MQTT 3.1.1) in the platform's process. Clients log in
 * with a token of the built-in issuer as password; the token's tenant becomes the client's
 * tenant. A PUBLISH on an ingest topic is acknowledged only after the handler resolves.
 */
export class AedesBroker extends MqttIngress {
  private readonly broker: Aedes;
  private server?: Server;
  private handler?: InboundHandler;

  constructor(private readonly options: AedesBrokerOptions) {
    super();
    this.broker = new Aedes({
      authenticate: (client, username, password, done) => this.authenticate(client, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => this.authorizeSubscribe(client, subscription, done),
    });
  }

  /** Port the broker listens on; differs from the configured one when that was 0. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    const server = createServer(this.broker.handle);
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
    this.options.verifier.verify(token).then(
      (principal) => {
        (client as TenantClient)[TENANT_KEY] = principal.tenant;
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
    const tenant = client ? (client as TenantClient)[TENANT_KEY] : undefined;
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
    const tenant = client ? (client as TenantClient)[TENANT_KEY] : undefined;
    const allowed = tenant !== undefined && subscription.topic.startsWith(`stadtdaten/${tenant}/`);
    done(null, allowed ? subscription : null);
  }
}
