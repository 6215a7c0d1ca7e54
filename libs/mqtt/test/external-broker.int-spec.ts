import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { ExternalBrokerIngress, type ExternalBrokerOptions, type InboundMqttMessage } from '@stadtdaten/mqtt';

const brokerUrl = process.env.STADTDATEN_MQTT_URL;
const DEV_SERVICES = join(__dirname, '..', '..', '..', 'tools', 'dev-services', 'dev-services.mjs');
const DEVICE = 'int-test-sensor';

interface TlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is unset: npm test sets it after starting the dev services`);
  }

  return value;
}

/** Issues (or reuses) the device certificate with CN `<tenant>/<device>` through the dev-services script. */
function deviceCertificate(tenant: string): TlsFiles {
  const output = execFileSync(process.execPath, [DEV_SERVICES, 'cert', tenant, DEVICE], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const field = (name: string) => {
    const match = new RegExp(`^${name}=(.+)$`, 'm').exec(output);
    if (!match) {
      throw new Error(`dev-services cert printed no "${name}=" line: ${output}`);
    }

    return readFileSync(match[1]);
  };

  return { ca: field('ca'), cert: field('cert'), key: field('key') };
}

/** A TCP relay to the broker whose connections the test can cut, as a crashed gateway host would. */
class CuttableRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `mqtts://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, this.targetHost);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  }

  /** Drops every open connection without an MQTT DISCONNECT and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    if (server?.listening) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** Collects handled messages; `next()` resolves with the next one or fails after `timeoutMs`. */
class MessageQueue {
  readonly received: InboundMqttMessage[] = [];
  private readonly waiters: Array<(message: InboundMqttMessage) => void> = [];

  push(message: InboundMqttMessage): void {
    this.received.push(message);
    const waiter = this.waiters.shift();
    waiter?.(message);
  }

  next(index: number, timeoutMs = 10_000): Promise<InboundMqttMessage> {
    if (this.received.length > index) {
      return Promise.resolve(this.received[index]);
    }

    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no message #${index + 1} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function connectDevice(tls: TlsFiles, protocolVersion: 4 | 5): Promise<MqttClient> {
  return mqtt.connectAsync(requireEnv('STADTDATEN_MQTT_URL'), {
    ...tls,
    clientId: `device-${randomBytes(4).toString('hex')}`,
    protocolVersion,
    clean: true,
    reconnectPeriod: 0,
  });
}

/** Removes the broker's persistent session of `clientId` by connecting once with a clean start. */
async function removeSession(options: ExternalBrokerOptions): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl as string, {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    clientId: options.clientId,
    protocolVersion: 5,
    clean: true,
    properties: { sessionExpiryInterval: 0 },
    reconnectPeriod: 0,
  });
  await client.endAsync();
}

const describeWithBroker = brokerUrl
  ? describe
  : (name: string, body: () => void) =>
      describe.skip(
        `${name}: STADTDATEN_MQTT_URL is unset; npm test sets it after starting the dev services`,
        body,
      );

describeWithBroker(ExternalBrokerIngress.name, () => {
  const logger = pino({ level: 'silent' });
  const run = randomBytes(4).toString('hex');
  const darmstadtTopic = `stadtdaten/darmstadt/${DEVICE}/up/t${run}`;
  const heagTopic = `stadtdaten/heag/${DEVICE}/up/t${run}`;
  let gatewayCount = 0;
  /** Options of the gateways that connected, whose broker sessions are removed at the end. */
  const sessions = new Set<ExternalBrokerOptions>();
  const started: ExternalBrokerIngress[] = [];
  const devices: MqttClient[] = [];
  const relays: CuttableRelay[] = [];
  let gatewayTls: TlsFiles;
  let darmstadtTls: TlsFiles;
  let heagTls: TlsFiles;

  function makeOptions(overrides: Partial<ExternalBrokerOptions> = {}): ExternalBrokerOptions {
    const options: ExternalBrokerOptions = {
      url: requireEnv('STADTDATEN_MQTT_URL'),
      ...gatewayTls,
      clientId: `gateway-test-${run}-${gatewayCount}`,
      topics: [darmstadtTopic, heagTopic],
      logger,
      connectTimeoutMs: 10_000,
      retryDelayMs: 100,
      closeTimeoutMs: 5_000,
      ...overrides,
    };
    gatewayCount += 1;

    return options;
  }

  async function startGateway(
    options: ExternalBrokerOptions,
    queue: MessageQueue,
    handle?: () => Promise<void>,
  ) {
    const sut = new ExternalBrokerIngress(options);
    started.push(sut);
    await sut.start(async (message) => {
      queue.push(message);
      await handle?.();
    });
    sessions.add(options);

    return sut;
  }

  async function device(tls: TlsFiles, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
    const client = await connectDevice(tls, protocolVersion);
    devices.push(client);

    return client;
  }

  beforeAll(() => {
    gatewayTls = {
      ca: readFileSync(requireEnv('STADTDATEN_MQTT_CA_FILE')),
      cert: readFileSync(requireEnv('STADTDATEN_MQTT_CERT_FILE')),
      key: readFileSync(requireEnv('STADTDATEN_MQTT_KEY_FILE')),
    };
    darmstadtTls = deviceCertificate('darmstadt');
    heagTls = deviceCertificate('heag');
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((client) => client.endAsync(true)));
    await Promise.all(started.splice(0).map((sut) => sut.close()));
    await Promise.all(relays.splice(0).map((relay) => relay.cut()));
  });

  afterAll(async () => {
    for (const options of sessions) {
      await removeSession({ ...options, url: requireEnv('STADTDATEN_MQTT_URL') });
    }
  });

  it('delivers a QoS 1 message with the topic tenant', async () => {
    const queue = new MessageQueue();
    const sut = await startGateway(makeOptions(), queue);
    const sensor = await device(darmstadtTls);

    await sensor.publishAsync(darmstadtTopic, '{"t":21.5}', { qos: 1 });
    const message = await queue.next(0);

    expect(message.tenant).toBe('darmstadt');
    expect(message.topic).toBe(darmstadtTopic);
    expect(message.qos).toBe(1);
    expect(message.payload.toString()).toBe('{"t":21.5}');
    await expect(sut.isHealthy()).resolves.toBe(true);
    await waitFor(() => sut.stats.acknowledged === 1);
    expect(sut.stats).toMatchObject({ received: 1, dropped: 0, failed: 0 });
  });

  it('redelivers after a crash before the handler finished', async () => {
    const target = new URL(requireEnv('STADTDATEN_MQTT_URL'));
    const relay = new CuttableRelay(target.hostname, Number(target.port));
    relays.push(relay);
    await relay.start();
    const options = makeOptions({ url: relay.url });
    let releaseFirst: () => void = () => undefined;
    const firstQueue = new MessageQueue();
    const first = await startGateway(
      options,
      firstQueue,
      () => new Promise<void>((resolve) => (releaseFirst = resolve)),
    );
    const sensor = await device(darmstadtTls);

    await sensor.publishAsync(darmstadtTopic, 'reading-1', { qos: 1 });
    await firstQueue.next(0);
    await relay.cut();

    const secondQueue = new MessageQueue();
    const second = await startGateway({ ...options, url: requireEnv('STADTDATEN_MQTT_URL') }, secondQueue);
    const redelivered = await secondQueue.next(0);
    releaseFirst();
    await first.close();

    expect(redelivered.payload.toString()).toBe('reading-1');
    expect(redelivered.tenant).toBe('darmstadt');
    expect(first.stats.acknowledged).toBe(0);
    await waitFor(() => second.stats.acknowledged === 1);

    await second.close();
    const thirdQueue = new MessageQueue();
    await startGateway({ ...options, url: requireEnv('STADTDATEN_MQTT_URL') }, thirdQueue);
    await sensor.publishAsync(darmstadtTopic, 'reading-2', { qos: 1 });

    expect((await thirdQueue.next(0)).payload.toString()).toBe('reading-2');
  });

  it('redelivers what close abandoned', async () => {
    const options = makeOptions({ closeTimeoutMs: 200 });
    const firstQueue = new MessageQueue();
    const first = await startGateway(options, firstQueue, () => new Promise<void>(() => undefined));
    const sensor = await device(darmstadtTls);

    await sensor.publishAsync(darmstadtTopic, 'reading-1', { qos: 1 });
    await firstQueue.next(0);
    await first.close();

    const secondQueue = new MessageQueue();
    await startGateway(options, secondQueue);

    expect((await secondQueue.next(0)).payload.toString()).toBe('reading-1');
    expect(first.stats.acknowledged).toBe(0);
  });

  it('redelivers after a rejected handler', async () => {
    const queue = new MessageQueue();
    let calls = 0;
    const sut = await startGateway(makeOptions(), queue, async () => {
      calls += 1;
      if (calls === 1) {
        throw new Error('event log unavailable');
      }
    });
    const sensor = await device(darmstadtTls);

    await sensor.publishAsync(darmstadtTopic, 'reading-1', { qos: 1 });
    const firstDelivery = await queue.next(0);
    const secondDelivery = await queue.next(1);

    expect(secondDelivery.payload).toEqual(firstDelivery.payload);
    await waitFor(() => sut.stats.acknowledged === 1);
    expect(sut.stats.failed).toBe(1);
  });

  it('never receives a publish to another tenant', async () => {
    const queue = new MessageQueue();
    await startGateway(makeOptions(), queue);
    const intruder = await device(heagTls, 4);

    await intruder.publishAsync(darmstadtTopic, 'forged', { qos: 1 });
    await intruder.publishAsync(heagTopic, 'own', { qos: 1 });
    const first = await queue.next(0);

    expect(first.payload.toString()).toBe('own');
    expect(first.tenant).toBe('heag');
    expect(queue.received.map((message) => message.payload.toString())).not.toContain('forged');
  });

  it('reports the ACL refusal to an MQTT 5 device', async () => {
    const intruder = await device(heagTls, 5);

    await expect(intruder.publishAsync(darmstadtTopic, 'forged', { qos: 1 })).rejects.toThrow(
      /Not authorized/i,
    );
  });

  it('drops a topic without tenant', async () => {
    const queue = new MessageQueue();
    const statusTopic = `stadtdaten/darmstadt/${DEVICE}/status/t${run}`;
    const sut = await startGateway(makeOptions({ topics: [statusTopic, darmstadtTopic] }), queue);
    const sensor = await device(darmstadtTls);

    await sensor.publishAsync(statusTopic, 'online', { qos: 1 });
    await sensor.publishAsync(darmstadtTopic, 'reading-1', { qos: 1 });
    const first = await queue.next(0);

    expect(first.topic).toBe(darmstadtTopic);
    await waitFor(() => sut.stats.acknowledged === 1);
    expect(sut.stats).toMatchObject({ received: 2, dropped: 1 });
  });

  it('publishes through its connection', async () => {
    const sut = await startGateway(makeOptions(), new MessageQueue());
    const sensor = await device(darmstadtTls);
    const downTopic = `stadtdaten/darmstadt/${DEVICE}/down/t${run}`;
    await sensor.subscribeAsync(downTopic, { qos: 1 });
    const received = new Promise<string>((resolve) =>
      sensor.once('message', (_topic, payload) => resolve(payload.toString())),
    );

    await sut.publish(downTopic, 'config-1', { qos: 1 });

    await expect(received).resolves.toBe('config-1');
  });

  it('is unhealthy after close', async () => {
    const sut = await startGateway(makeOptions(), new MessageQueue());

    await sut.close();

    await expect(sut.isHealthy()).resolves.toBe(false);
  });

  it('rejects start without a client certificate', async () => {
    const sut = new ExternalBrokerIngress(makeOptions({ cert: undefined, key: undefined }));

    await expect(sut.start(async () => undefined)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
